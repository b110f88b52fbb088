package org.processhub.runtime.internal.wire;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.processhub.api.InvalidPayloadException;
import org.processhub.api.Payloads;

/**
 * Encodes the values allowed by {@link Payloads}: one tag byte, then the value.
 *
 * <pre>
 *   0 null      1 false     2 true
 *   3 Integer   zigzag varint
 *   4 Long      zigzag varlong
 *   5 Double    8 bytes, raw IEEE 754 bits, big-endian
 *   6 String    varint UTF-8 length + bytes
 *   7 byte[]    varint length + bytes
 *   8 List      varint count + values
 *   9 Map       varint count + (String key, value) pairs, in iteration order; keys unique
 * </pre>
 *
 * <p>Lists and maps nest up to {@link Payloads#MAX_DEPTH} levels, counted as {@link Payloads} does.
 * Encoding a value Payloads would refuse throws {@link InvalidPayloadException} naming the problem, and so does a
 * string with an unpaired surrogate, which Payloads accepts but UTF-8 cannot carry (the output then holds a
 * partial value and must be discarded). Decoding gives {@link ArrayList}s and
 * {@link LinkedHashMap}s (iteration order preserved), so a value round-trips equal by {@code equals} except for
 * {@code byte[]}, which compares by identity; bad input throws {@link WireFormatException}.
 */
public final class PayloadCodec {
    static final int T_NULL = 0;
    static final int T_FALSE = 1;
    static final int T_TRUE = 2;
    static final int T_INT = 3;
    static final int T_LONG = 4;
    static final int T_DOUBLE = 5;
    static final int T_STRING = 6;
    static final int T_BYTES = 7;
    static final int T_LIST = 8;
    static final int T_MAP = 9;

    private PayloadCodec() {}

    /**
     * Writes one value.
     *
     * @throws InvalidPayloadException if it is not an allowed payload
     */
    public static void write(WireOutput out, Object value) {
        write(out, value, 0);
    }

    /**
     * Reads one value.
     *
     * @throws WireFormatException on bad input
     */
    public static Object read(WireInput in) {
        return read(in, 0);
    }

    /** The encoding of one value. */
    public static byte[] encode(Object value) {
        WireOutput out = new WireOutput(64);
        write(out, value);
        return out.toByteArray();
    }

    /** Decodes exactly one value filling {@code bytes}. */
    public static Object decode(byte[] bytes) {
        if (bytes == null) {
            throw new WireFormatException("null payload bytes");
        }
        WireInput in = new WireInput(bytes);
        Object v = read(in);
        in.expectEnd();
        return v;
    }

    private static void write(WireOutput out, Object v, int depth) {
        // Most frequent types first.
        if (v == null) {
            out.writeByte(T_NULL);
        } else if (v instanceof String s) {
            out.writeByte(T_STRING);
            writeString(out, s);
        } else if (v instanceof Long l) {
            out.writeByte(T_LONG);
            out.writeSignedVarLong(l);
        } else if (v instanceof Integer i) {
            out.writeByte(T_INT);
            out.writeSignedVarInt(i);
        } else if (v instanceof Boolean b) {
            out.writeByte(b ? T_TRUE : T_FALSE);
        } else if (v instanceof Double d) {
            out.writeByte(T_DOUBLE);
            out.writeDouble(d);
        } else if (v instanceof byte[] bytes) {
            out.writeByte(T_BYTES);
            out.writeBytes(bytes);
        } else if (v instanceof List<?> list) {
            checkDepth(depth);
            out.writeByte(T_LIST);
            int n = list.size();
            out.writeVarInt(n);
            int written = 0;
            for (Object e : list) {
                write(out, e, depth + 1);
                written++;
            }
            checkCount(n, written);
        } else if (v instanceof Map<?, ?> map) {
            checkDepth(depth);
            out.writeByte(T_MAP);
            int n = map.size();
            out.writeVarInt(n);
            int written = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new InvalidPayloadException("map key of type " + typeName(e.getKey())
                            + " (only String keys are allowed)");
                }
                writeString(out, key);
                write(out, e.getValue(), depth + 1);
                written++;
            }
            checkCount(n, written);
        } else {
            throw new InvalidPayloadException("type " + typeName(v)
                    + " is not allowed (String, Boolean, Integer, Long, Double, byte[], List, Map)");
        }
    }

    private static void writeString(WireOutput out, String s) {
        try {
            out.writeString(s);
        } catch (IllegalArgumentException e) {
            throw new InvalidPayloadException(e.getMessage());
        }
    }

    private static void checkDepth(int depth) {
        if (depth >= Payloads.MAX_DEPTH) { // same rule as Payloads.check, also stops cyclic structures
            throw new InvalidPayloadException("nested deeper than " + Payloads.MAX_DEPTH + " levels");
        }
    }

    private static void checkCount(int announced, int written) {
        if (announced != written) { // the count is already written: the frame would be corrupt
            throw new ConcurrentModificationException("collection changed size while being encoded");
        }
    }

    private static Object read(WireInput in, int depth) {
        int at = in.offset();
        int tag = in.readUnsignedByte();
        switch (tag) {
            case T_NULL:
                return null;
            case T_FALSE:
                return Boolean.FALSE;
            case T_TRUE:
                return Boolean.TRUE;
            case T_INT:
                return in.readSignedVarInt();
            case T_LONG:
                return in.readSignedVarLong();
            case T_DOUBLE:
                return in.readDouble();
            case T_STRING:
                return in.readString();
            case T_BYTES:
                return in.readBytes();
            case T_LIST: {
                checkReadDepth(depth, at);
                int n = in.readCount(1, "list");
                ArrayList<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(read(in, depth + 1));
                }
                return list;
            }
            case T_MAP: {
                checkReadDepth(depth, at);
                int n = in.readCount(2, "map"); // key length + value tag
                LinkedHashMap<String, Object> map = new LinkedHashMap<>(mapCapacity(n));
                for (int i = 0; i < n; i++) {
                    int keyAt = in.offset();
                    String key = in.readString();
                    map.put(key, read(in, depth + 1));
                    if (map.size() != i + 1) {
                        throw new WireFormatException("duplicate map key " + WireCodec.quote(key) + " at offset " + keyAt);
                    }
                }
                return map;
            }
            default:
                throw new WireFormatException("unknown payload tag " + tag + " at offset " + at);
        }
    }

    private static void checkReadDepth(int depth, int at) {
        if (depth >= Payloads.MAX_DEPTH) {
            throw new WireFormatException("payload nested deeper than " + Payloads.MAX_DEPTH + " levels at offset "
                    + at);
        }
    }

    /** A HashMap capacity holding {@code n} entries without rehashing. */
    static int mapCapacity(int n) {
        return (int) Math.min(Integer.MAX_VALUE - 8, n + n / 3L + 1);
    }

    private static String typeName(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }
}
