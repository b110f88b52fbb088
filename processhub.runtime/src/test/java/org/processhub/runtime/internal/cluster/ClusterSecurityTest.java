package org.processhub.runtime.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.processhub.runtime.internal.log.Log;

/** Nodes without the cluster secret, or without a trusted certificate, cannot join; the right ones can. */
class ClusterSecurityTest {
    static final Secret SECRET = Secret.of("correct horse battery staple", "secret");
    static final Secret OTHER = Secret.of("some other cluster's secret!!", "secret");
    final List<IgniteCluster> nodes = new ArrayList<>();
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final Log log = new Log() {
        @Override
        public boolean enabled(Level level) {
            return level.compareTo(Level.WARN) >= 0;
        }

        @Override
        public void log(Level level, String message, Throwable error) {
            if (enabled(level)) warnings.add(message);
        }
    };

    @AfterEach
    void stop() {
        nodes.forEach(IgniteCluster::close);
    }

    NodeSettings settings(String name, int port, int comm, Secret secret, TlsConfig tls) {
        return NodeSettings.loopback(name, port, 4, comm, Duration.ofMillis(2000)).withSecurity(secret, tls);
    }

    IgniteCluster start(NodeSettings s) throws IOException {
        IgniteCluster c = IgniteCluster.start(s, log);
        nodes.add(c);
        return c;
    }

    static boolean await(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (c.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return c.getAsBoolean();
    }

    @Test
    void onlyNodesThatKnowTheSecretJoin() throws Exception {
        int port = FreePorts.range("127.0.0.1", 5);
        int comm = FreePorts.range("127.0.0.1", 50);
        IgniteCluster a = start(settings("a", port, comm, SECRET, null));
        IgniteCluster b = start(settings("b", port, comm, SECRET, null));
        assertThat(await(() -> a.nodes().size() == 2 && b.nodes().size() == 2)).isTrue();

        assertThatThrownBy(() -> start(settings("intruder", port, comm, OTHER, null)))
                .hasMessageContaining("refused by the cluster").hasMessageContaining("does not know the cluster secret");
        assertThatThrownBy(() -> start(settings("anonymous", port, comm, null, null)))
                .hasMessageContaining("refused by the cluster");
        assertThat(a.nodes()).extracting(n -> n.name()).containsExactly("a", "b");
        assertThat(warnings).anyMatch(w -> w.contains("intruder") && w.contains("does not know the cluster secret"));
        assertThat(warnings).anyMatch(w -> w.contains("anonymous") && w.contains("no cluster-secret proof"));
        assertThat(String.join("\n", warnings)).doesNotContain("correct horse");
    }

    @Test
    void mutualTlsClusterWorksAndRejectsUntrustedOrPlainNodes(@TempDir Path dir) throws Exception {
        Path ca1 = certs(dir.resolve("ca1"), "a", "b");
        Path ca2 = certs(dir.resolve("ca2"), "rogue");
        int port = FreePorts.range("127.0.0.1", 5);
        int comm = FreePorts.range("127.0.0.1", 50);
        IgniteCluster a = start(settings("a", port, comm, null, tls(ca1, "a")));
        IgniteCluster b = start(settings("b", port, comm, null, tls(ca1, "b")));
        assertThat(await(() -> a.nodes().size() == 2 && b.nodes().size() == 2)).isTrue();
        // frames cross over TLS
        List<byte[]> got = new CopyOnWriteArrayList<>();
        b.bind("h", (from, frame) -> got.add(frame));
        a.send(b.localNode(), org.processhub.runtime.internal.wire.WireCodec.encode(
                new org.processhub.runtime.internal.wire.Message.Leave("h", a.localNode())));
        assertThat(await(() -> got.size() == 1)).as("a frame over the TLS transport").isTrue();

        assertThatThrownBy(() -> start(settings("rogue", port, comm, null, tls(ca2, "rogue"))).close())
                .as("a certificate from another CA").isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> start(settings("plain", port, comm, null, null)))
                .as("no TLS at all").isInstanceOf(RuntimeException.class);
        assertThat(a.nodes()).extracting(n -> n.name()).containsExactly("a", "b");
    }

    static TlsConfig tls(Path dir, String node) {
        return new TlsConfig(dir.resolve(node + ".p12"), "changeit".toCharArray(), dir.resolve("truststore.p12"),
                "changeit".toCharArray(), "PKCS12", "TLSv1.3");
    }

    /** Runs the repository's dev CA script, as a user would. */
    static Path certs(Path dir, String... nodes) throws Exception {
        Path script = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "scripts", "dev-ca.sh");
        if (!Files.exists(script)) script = Path.of("..", "scripts", "dev-ca.sh");
        List<String> cmd = new ArrayList<>(List.of("bash", script.toAbsolutePath().toString(), dir.toString()));
        cmd.addAll(List.of(nodes));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return dir;
    }

    @Test
    void aNonLoopbackAddressNeedsASecretOrTlsUnlessInsecure() throws Exception {
        String address = "192.0.2.10"; // TEST-NET: never bound here, only validated
        assertThatThrownBy(() -> NodeSettings.from(Map.of("local.address", address)))
                .hasMessageContaining("option local.address").hasMessageContaining("refusing to bind")
                .hasMessageContaining("secret").hasMessageContaining("insecure=true");
        assertThat(NodeSettings.from(Map.of("local.address", address, "insecure", "true")).insecure()).isTrue();
        assertThat(NodeSettings.from(Map.of("local.address", address, "secret", "0123456789abcdef-long")).secret()).isNotNull();
        assertThatThrownBy(() -> NodeSettings.from(Map.of("secret", "short"))).hasMessageContaining("option secret");
        assertThat(NodeSettings.from(Map.of("secret", "0123456789abcdef-long")).toString()).doesNotContain("0123456789abcdef");
    }
}
