package org.processhub.runtime.internal.wire;

import java.util.Arrays;

/**
 * A growable byte buffer for writing wire frames. Numbers use LEB128 varints (unsigned, or zigzag for signed
 * values) or fixed big-endian 8 bytes; strings are UTF-8 with a varint byte-length prefix.
 *
 * <p>Not thread-safe. Writing allocates nothing except when the buffer has to grow. Methods throw
 * {@link IllegalArgumentException} for values that cannot be represented (a string with an unpaired surrogate,
 * which UTF-8 cannot carry) and {@link IllegalStateException} if the output would exceed ~2 GiB.
 */
public final class WireOutput {
    /** Largest buffer we grow to (some JVMs reserve header words in arrays). */
    private static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private byte[] buf;
    private int pos;

    public WireOutput() {
        this(256);
    }

    public WireOutput(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity " + initialCapacity);
        }
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Bytes written so far. */
    public int size() {
        return pos;
    }

    /** Forgets what was written, keeping the buffer for reuse. */
    public void reset() {
        pos = 0;
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    public void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    public void writeBoolean(boolean b) {
        ensure(1);
        buf[pos++] = b ? (byte) 1 : (byte) 0;
    }

    /**
     * Unsigned LEB128, 1..5 bytes. Meant for non-negative values; a negative int is written as its unsigned
     * 32-bit value (5 bytes) and reads back unchanged.
     */
    public void writeVarInt(int v) {
        ensure(5);
        byte[] b = buf;
        int p = pos;
        while ((v & ~0x7F) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        pos = p;
    }

    /** Unsigned LEB128, 1..10 bytes; negative values take 10 bytes (use {@link #writeSignedVarLong}). */
    public void writeVarLong(long v) {
        ensure(10);
        byte[] b = buf;
        int p = pos;
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        pos = p;
    }

    /** Zigzag-encoded varint: small magnitudes of either sign are short. */
    public void writeSignedVarInt(int v) {
        writeVarInt((v << 1) ^ (v >> 31));
    }

    /** Zigzag-encoded varlong: small magnitudes of either sign are short. */
    public void writeSignedVarLong(long v) {
        writeVarLong((v << 1) ^ (v >> 63));
    }

    /** Fixed 8 bytes, big-endian. */
    public void writeLong(long v) {
        ensure(8);
        byte[] b = buf;
        int p = pos;
        b[p] = (byte) (v >>> 56);
        b[p + 1] = (byte) (v >>> 48);
        b[p + 2] = (byte) (v >>> 40);
        b[p + 3] = (byte) (v >>> 32);
        b[p + 4] = (byte) (v >>> 24);
        b[p + 5] = (byte) (v >>> 16);
        b[p + 6] = (byte) (v >>> 8);
        b[p + 7] = (byte) v;
        pos = p + 8;
    }

    /** The raw IEEE 754 bits (NaN payloads and -0.0 survive), as {@link #writeLong}. */
    public void writeDouble(double d) {
        writeLong(Double.doubleToRawLongBits(d));
    }

    /**
     * UTF-8 with a varint byte-length prefix. Encoded by hand straight into the buffer (no intermediate array).
     *
     * @throws IllegalArgumentException if {@code s} contains an unpaired surrogate
     * @throws NullPointerException if {@code s} is null (see {@link #writeNullableString})
     */
    public void writeString(String s) {
        int n = s.length();
        int len = utf8Length(s, n);
        writeVarInt(len);
        writeUtf8(s, n, len);
    }

    /** A string that may be null: varint (byte length + 1), 0 meaning null, then the UTF-8 bytes. */
    public void writeNullableString(String s) {
        if (s == null) {
            writeByte(0);
            return;
        }
        int n = s.length();
        int len = utf8Length(s, n);
        writeVarInt(len + 1); // utf8Length caps len below Integer.MAX_VALUE, so no overflow
        writeUtf8(s, n, len);
    }

    private void writeUtf8(String s, int n, int len) {
        ensure(len);
        byte[] b = buf;
        int p = pos;
        if (len == n) { // all ASCII: the common case for ids and names
            for (int i = 0; i < n; i++) {
                b[p++] = (byte) s.charAt(i);
            }
            pos = p;
            return;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c)) { // utf8Length checked that a low surrogate follows
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        pos = p;
    }

    /** A varint length, then the bytes. */
    public void writeBytes(byte[] bytes) {
        writeVarInt(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    private static int utf8Length(String s, int n) {
        long len = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                len += 1;
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    len += 2; // two chars, four bytes
                    i++;
                } else {
                    throw new IllegalArgumentException("string has an unpaired surrogate at index " + i
                            + " and cannot be encoded as UTF-8");
                }
            } else {
                len += 2;
            }
        }
        if (len > MAX_SIZE) {
            throw new IllegalStateException("string of " + len + " UTF-8 bytes is too long for the wire");
        }
        return (int) len;
    }

    private void ensure(int n) {
        if (buf.length - pos < n) {
            grow(n);
        }
    }

    private void grow(int n) {
        long needed = (long) pos + n;
        if (needed > MAX_SIZE) {
            throw new IllegalStateException("wire output would exceed " + MAX_SIZE + " bytes");
        }
        int cap = (int) Math.min(MAX_SIZE, Math.max(needed, buf.length * 2L));
        buf = Arrays.copyOf(buf, cap);
    }
}
