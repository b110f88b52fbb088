package org.processhub.runtime.internal.ring;

/**
 * The 64-bit hash used for ring positions. It must give the same value on every node for the same
 * string, so it works on the string's UTF-16 chars (no charset, no allocation) and is not
 * {@link String#hashCode()} (32 bits, poorly mixed for similar ids like "c1", "c2").
 */
public final class Hashing {
    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long M = 0xC6A4A7935BD1E995L;

    private Hashing() {}

    /** A well-mixed 64-bit hash of {@code s}. */
    public static long hash64(String s) {
        long h = SEED ^ (s.length() * M);
        int i = 0;
        int n = s.length();
        for (; i + 4 <= n; i += 4) {
            long k = s.charAt(i) | ((long) s.charAt(i + 1) << 16) | ((long) s.charAt(i + 2) << 32)
                    | ((long) s.charAt(i + 3) << 48);
            h = (h ^ mix(k)) * M;
        }
        long k = 0;
        for (int shift = 0; i < n; i++, shift += 16) {
            k |= (long) s.charAt(i) << shift;
        }
        h = (h ^ mix(k)) * M;
        return fmix64(h);
    }

    /** The position of virtual node {@code index} of a node whose name hashes to {@code nodeHash}. */
    public static long vnode(long nodeHash, int index) {
        return fmix64(nodeHash + (index + 1) * SEED);
    }

    /**
     * The hash of one registry row, (child id, incarnation), for anti-entropy digests: rows are summed, so it
     * must be well mixed as a whole (with a linear form, two rows that swapped incarnations would sum the same).
     */
    public static long rowHash(String childId, long incarnation) {
        return fmix64(hash64(childId) ^ fmix64(incarnation + SEED));
    }

    private static long mix(long k) {
        k *= M;
        k ^= k >>> 47;
        return k * M;
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xFF51AFD7ED558CCDL;
        k ^= k >>> 33;
        k *= 0xC4CEB9FE1A85EC53L;
        k ^= k >>> 33;
        return k;
    }
}
