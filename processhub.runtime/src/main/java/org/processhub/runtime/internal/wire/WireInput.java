package org.processhub.runtime.internal.wire;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads what {@link WireOutput} wrote, from a slice of a {@code byte[]} that came from the network and is
 * therefore untrusted.
 *
 * <p>Every read is bounds-checked and throws {@link WireFormatException} (never an index or allocation error) on
 * truncation, a malformed varint (more than 5 / 10 bytes or overflowing bits), invalid UTF-8 (strict decoding:
 * overlong forms, encoded surrogates and code points above U+10FFFF are rejected), a length or count that cannot
 * fit in the remaining bytes, or a string over its limit. Lengths and counts are checked against the remaining
 * bytes <em>before</em> anything is allocated for them, so the memory a frame can make us allocate is bounded by a
 * small multiple of its size. Offsets in messages are relative to the start of the slice.
 *
 * <p>Not thread-safe; one instance per frame.
 */
public final class WireInput {
    /** Default limit for {@link #readString()} and {@link #readBytes()}, in bytes. */
    public static final int DEFAULT_MAX_LENGTH = 64 << 20;

    private final byte[] buf;
    private final int start;
    private final int limit;
    private final int maxLength;
    private int pos;
    private CharsetDecoder utf8; // created on the first non-ASCII string

    public WireInput(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public WireInput(byte[] buf, int offset, int length) {
        this(buf, offset, length, DEFAULT_MAX_LENGTH);
    }

    /**
     * @param maxLength the longest string (in UTF-8 bytes) or byte array {@link #readString()} and
     *     {@link #readBytes()} accept
     * @throws IndexOutOfBoundsException if the slice is not inside {@code buf} (a caller bug, not bad input)
     */
    public WireInput(byte[] buf, int offset, int length, int maxLength) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        if (maxLength < 0) {
            throw new IllegalArgumentException("negative maxLength " + maxLength);
        }
        this.buf = buf;
        this.start = offset;
        this.limit = offset + length;
        this.maxLength = maxLength;
        this.pos = offset;
    }

    /** Bytes not read yet. */
    public int remaining() {
        return limit - pos;
    }

    /** Current read position, relative to the start of the slice. */
    public int offset() {
        return pos - start;
    }

    /** Fails if any bytes are left: a frame must be consumed exactly. */
    public void expectEnd() {
        if (pos != limit) {
            throw new WireFormatException(remaining() + " trailing bytes after the end of the message at offset "
                    + offset());
        }
    }

    public byte readByte() {
        require(1);
        return buf[pos++];
    }

    public int readUnsignedByte() {
        require(1);
        return buf[pos++] & 0xFF;
    }

    /** Exactly 0 (false) or 1 (true); any other byte is malformed. */
    public boolean readBoolean() {
        require(1);
        byte b = buf[pos];
        if (b == 0 || b == 1) {
            pos++;
            return b == 1;
        }
        throw new WireFormatException("invalid boolean byte " + (b & 0xFF) + " at offset " + offset());
    }

    /** Unsigned LEB128 of at most 5 bytes; values above 2^31-1 come back negative, as written. */
    public int readVarInt() {
        int p = pos;
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (p == limit) {
                throw truncatedVarInt(p);
            }
            int b = buf[p++];
            if (shift == 28 && (b & 0xF0) != 0) { // 5th byte may only carry the top 4 bits
                throw malformedVarInt("varint", 5);
            }
            result |= (b & 0x7F) << shift;
            if (b >= 0) {
                pos = p;
                return result;
            }
        }
        throw malformedVarInt("varint", 5); // unreachable: the 5th byte check catches a continuation bit
    }

    /** Unsigned LEB128 of at most 10 bytes. */
    public long readVarLong() {
        int p = pos;
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (p == limit) {
                throw truncatedVarInt(p);
            }
            long b = buf[p++];
            if (shift == 63 && (b & 0xFE) != 0) { // 10th byte may only carry the top bit
                throw malformedVarInt("varlong", 10);
            }
            result |= (b & 0x7F) << shift;
            if (b >= 0) {
                pos = p;
                return result;
            }
        }
        throw malformedVarInt("varlong", 10);
    }

    public int readSignedVarInt() {
        int v = readVarInt();
        return (v >>> 1) ^ -(v & 1);
    }

    public long readSignedVarLong() {
        long v = readVarLong();
        return (v >>> 1) ^ -(v & 1);
    }

    /** Fixed 8 bytes, big-endian. */
    public long readLong() {
        require(8);
        byte[] b = buf;
        int p = pos;
        pos = p + 8;
        return ((long) b[p] << 56)
                | ((long) (b[p + 1] & 0xFF) << 48)
                | ((long) (b[p + 2] & 0xFF) << 40)
                | ((long) (b[p + 3] & 0xFF) << 32)
                | ((long) (b[p + 4] & 0xFF) << 24)
                | ((b[p + 5] & 0xFF) << 16)
                | ((b[p + 6] & 0xFF) << 8)
                | (b[p + 7] & 0xFF);
    }

    public double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    /**
     * A count of elements each taking at least {@code minBytesEach} bytes on the wire: fails unless
     * {@code count * minBytesEach} bytes remain, so a caller may size a collection by the result.
     *
     * @param what names the collection in the error
     */
    public int readCount(int minBytesEach, String what) {
        int at = offset();
        int n = readVarInt();
        if (n < 0 || (long) n * minBytesEach > remaining()) {
            throw new WireFormatException(what + " count " + Integer.toUnsignedString(n) + " at offset " + at
                    + " cannot fit in the " + remaining() + " bytes left");
        }
        return n;
    }

    /** A string of at most {@link #DEFAULT_MAX_LENGTH} (or the configured limit) UTF-8 bytes. */
    public String readString() {
        int at = offset();
        return decode(readLength(at, "string", maxLength), at, Integer.MAX_VALUE, "string");
    }

    /**
     * A string of at most {@code maxChars} UTF-16 chars ({@link String#length()}).
     *
     * @param what names the field in the error
     */
    public String readString(int maxChars, String what) {
        int at = offset();
        // A char takes at most 3 UTF-8 bytes (a surrogate pair: 2 chars, 4 bytes), so this rejects early.
        int maxBytes = (int) Math.min(Integer.MAX_VALUE, Math.min(maxLength, 3L * maxChars));
        return decode(readLength(at, what, maxBytes), at, maxChars, what);
    }

    /** A string written by {@link WireOutput#writeNullableString}. */
    public String readNullableString(String what) {
        int at = offset();
        int n = readVarInt();
        if (n == 0) {
            return null;
        }
        int len = n - 1; // n < 0 (unsigned > 2^31) stays negative and is rejected below
        checkLength(len, at, what, maxLength);
        return decode(len, at, Integer.MAX_VALUE, what);
    }

    /** A varint length, then that many bytes (at most the configured limit). */
    public byte[] readBytes() {
        int at = offset();
        int len = readLength(at, "byte array", maxLength);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return out;
    }

    private int readLength(int at, String what, int max) {
        int len = readVarInt();
        checkLength(len, at, what, max);
        return len;
    }

    private void checkLength(int len, int at, String what, int max) {
        if (len < 0 || len > remaining()) {
            throw new WireFormatException(what + " length " + Integer.toUnsignedString(len) + " at offset " + at
                    + " exceeds the " + remaining() + " bytes left");
        }
        if (len > max) {
            throw new WireFormatException(what + " at offset " + at + " is " + len + " bytes, over the limit of "
                    + max);
        }
    }

    /** Decodes {@code len} bytes at {@code pos} (already bounds-checked). */
    private String decode(int len, int at, int maxChars, String what) {
        byte[] b = buf;
        int p = pos;
        int end = p + len;
        int i = p;
        while (i < end && b[i] >= 0) {
            i++;
        }
        String s;
        if (i == end) {
            // Pure ASCII (ids, names, keys): Latin-1 decoding is a plain copy into a compact string.
            s = new String(b, p, len, StandardCharsets.ISO_8859_1);
        } else {
            if (utf8 == null) {
                utf8 = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            // The CoderResult API reports bad input without throwing (and without a stack trace to fill in),
            // and tells where it is. UTF-8 never yields more chars than bytes, so one buffer of len suffices.
            ByteBuffer bytes = ByteBuffer.wrap(b, p, len);
            CharBuffer chars = CharBuffer.allocate(len);
            utf8.reset();
            CoderResult r = utf8.decode(bytes, chars, true);
            if (!r.isError()) {
                r = utf8.flush(chars);
            }
            if (r.isError() || bytes.hasRemaining()) {
                throw new WireFormatException("invalid UTF-8 in " + what + " at offset " + at + " (byte offset "
                        + (bytes.position() - start) + ")");
            }
            s = chars.flip().toString();
        }
        if (s.length() > maxChars) {
            throw new WireFormatException(what + " at offset " + at + " is " + s.length()
                    + " characters, over the limit of " + maxChars);
        }
        pos = end;
        return s;
    }

    private void require(int n) {
        if (limit - pos < n) {
            throw new WireFormatException("truncated frame: need " + n + " bytes at offset " + offset() + ", "
                    + remaining() + " left");
        }
    }

    private WireFormatException truncatedVarInt(int p) {
        return new WireFormatException("truncated frame: varint at offset " + offset() + " runs past the end ("
                + (p - pos) + " bytes, all with the continuation bit)");
    }

    private WireFormatException malformedVarInt(String what, int maxBytes) {
        return new WireFormatException("malformed " + what + " at offset " + offset() + ": longer than " + maxBytes
                + " bytes or overflowing");
    }
}
