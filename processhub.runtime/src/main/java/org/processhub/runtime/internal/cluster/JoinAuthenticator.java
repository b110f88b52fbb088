package org.processhub.runtime.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.internal.processors.security.SecurityContext;
import org.apache.ignite.plugin.security.SecurityCredentials;
import org.apache.ignite.plugin.security.SecuritySubject;
import org.apache.ignite.plugin.security.SecuritySubjectType;
import org.apache.ignite.spi.discovery.DiscoverySpiNodeAuthenticator;
import org.processhub.api.NodeId;
import org.processhub.runtime.internal.log.Log;
import org.processhub.runtime.internal.transport.Authenticator;

/**
 * Keeps nodes without the cluster secret out, at both doors. Ignite discovery: a joining node carries a
 * proof (HMAC of its name, a fresh nonce and a timestamp) in its node attributes; the coordinator checks
 * it and refuses the join otherwise (nonces seen recently are refused too, so a captured join cannot be
 * replayed). The ProcessHub transport: the server sends a random challenge, the client answers with an
 * HMAC of it and its name. The secret itself never travels.
 */
final class JoinAuthenticator implements DiscoverySpiNodeAuthenticator {
    static final String ATTR_PROOF = "processhub.auth.proof";
    static final String ATTR_NONCE = "processhub.auth.nonce";
    static final String ATTR_TIME = "processhub.auth.time";
    private static final long MAX_SKEW_MS = 5 * 60_000;

    private final Secret secret;
    private final Log log;
    private final Map<String, Long> recentNonces = new ConcurrentHashMap<>();

    JoinAuthenticator(Secret secret, Log log) {
        this.secret = secret;
        this.log = log;
    }

    /** The attributes a joining node publishes. */
    static Map<String, String> proofAttributes(Secret secret, NodeId self) {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String n = Base64.getEncoder().encodeToString(nonce);
        String t = Long.toString(System.currentTimeMillis());
        String proof = Base64.getEncoder().encodeToString(secret.proof("ignite-join", utf8(self.name()), utf8(n), utf8(t)));
        return Map.of(ATTR_PROOF, proof, ATTR_NONCE, n, ATTR_TIME, t);
    }

    @Override
    public SecurityContext authenticateNode(ClusterNode node, SecurityCredentials cred) {
        String name = node.attribute(IgniteCluster.ATTR_NODE);
        String proof = node.attribute(ATTR_PROOF);
        String nonce = node.attribute(ATTR_NONCE);
        String time = node.attribute(ATTR_TIME);
        String why = check(name, proof, nonce, time);
        if (why != null) {
            log.warn("refused a node at " + node.addresses() + " (" + (name == null ? "no ProcessHub name" : name)
                    + ") trying to join: " + why);
            return null;
        }
        return new Accepted(node.id(), name);
    }

    private String check(String name, String proof, String nonce, String time) {
        if (name == null || proof == null || nonce == null || time == null) return "it presents no cluster-secret proof";
        long t;
        byte[] p;
        try {
            t = Long.parseLong(time);
            p = Base64.getDecoder().decode(proof);
        } catch (IllegalArgumentException e) {
            return "its cluster-secret proof is malformed";
        }
        long now = System.currentTimeMillis();
        if (Math.abs(now - t) > MAX_SKEW_MS) return "its proof is too old or from the future (clock skew over 5 min?)";
        if (!secret.verify(p, "ignite-join", utf8(name), utf8(nonce), utf8(time))) return "it does not know the cluster secret";
        recentNonces.entrySet().removeIf(e -> now - e.getValue() > 2 * MAX_SKEW_MS);
        if (recentNonces.putIfAbsent(nonce, now) != null) return "its proof was used before (replayed join)";
        return null;
    }

    @Override
    public boolean isGlobalNodeAuthentication() {
        return false; // the coordinator decides; the others trust its decision
    }

    /** The transport's challenge-response on the same secret. */
    static Authenticator transport(Secret secret, Log log) {
        return new Authenticator() {
            @Override
            public byte[] helloProof(NodeId self, byte[] challenge) {
                return secret.proof("transport", utf8(self.name()), challenge);
            }

            @Override
            public boolean verify(NodeId claimed, byte[] challenge, byte[] proof) {
                boolean ok = secret.verify(proof, "transport", utf8(claimed.name()), challenge);
                if (!ok) log.warn("refused a transport connection claiming to be " + claimed + ": it does not know the cluster secret");
                return ok;
            }
        };
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What the coordinator returns for an accepted node (Ignite stores it; we give no permissions model). */
    private record Accepted(UUID id, String name) implements SecurityContext, SecuritySubject, java.io.Serializable {
        @Override
        public SecuritySubject subject() {
            return this;
        }

        @Override
        public SecuritySubjectType type() {
            return SecuritySubjectType.REMOTE_NODE;
        }

        @Override
        public Object login() {
            return name;
        }

        @Override
        public java.net.InetSocketAddress address() {
            return null;
        }
    }
}
