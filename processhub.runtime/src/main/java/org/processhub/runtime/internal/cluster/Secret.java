package org.processhub.runtime.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster secret (like the Erlang cookie, but never sent): nodes prove they know it with HMAC-SHA256
 * over a challenge or nonce, one derived key per purpose. {@link #toString()} never shows it.
 */
public final class Secret {
    private final byte[] key;

    private Secret(byte[] key) {
        this.key = key;
    }

    /** @throws IllegalArgumentException if the secret is shorter than 16 characters */
    public static Secret of(String secret, String option) {
        String s = secret.strip();
        if (s.length() < 16) {
            throw new IllegalArgumentException("option " + option + ": the cluster secret must be at least 16 characters");
        }
        try {
            return new Secret(MessageDigest.getInstance("SHA-256").digest(("processhub-secret|" + s).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HMAC-SHA256 of the parts (each length-prefixed) under the key derived for {@code purpose}. */
    public byte[] proof(String purpose, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(purpose.getBytes(StandardCharsets.UTF_8));
            for (byte[] p : parts) {
                mac.update(new byte[] {(byte) (p.length >>> 24), (byte) (p.length >>> 16), (byte) (p.length >>> 8), (byte) p.length});
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time check of a proof. */
    public boolean verify(byte[] proof, String purpose, byte[]... parts) {
        return proof != null && MessageDigest.isEqual(proof, proof(purpose, parts));
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(key, s.key);
    }

    @Override
    public int hashCode() {
        return 1;
    }
}
