package org.processhub.api;

import java.util.List;
import java.util.Map;

/**
 * The allow-list of values that may cross node boundaries: child spec arguments, call/cast messages,
 * replies and handover state. Anything else is refused with {@link InvalidPayloadException} before it
 * is sent, so a receiver never has to trust a class name from the network.
 *
 * <p>Allowed: {@code null}, {@link String}, {@link Boolean}, {@link Integer}, {@link Long}, {@link Double},
 * {@code byte[]}, and {@link List}s and {@link Map}s with {@link String} keys of allowed values, nested up
 * to {@link #MAX_DEPTH} levels.
 */
public final class Payloads {
    /** Deepest nesting of lists and maps accepted. */
    public static final int MAX_DEPTH = 16;

    private Payloads() {}

    /** True if {@code value} is an allowed payload. */
    public static boolean isAllowed(Object value) {
        return problem(value, 0) == null;
    }

    /**
     * Checks {@code value}.
     *
     * @param what names the value in the error, e.g. {@code "call message"}
     * @throws InvalidPayloadException naming what was wrong
     */
    public static void check(Object value, String what) {
        String p = problem(value, 0);
        if (p != null) {
            throw new InvalidPayloadException(what + ": " + p);
        }
    }

    private static String problem(Object v, int depth) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer
                || v instanceof Long || v instanceof Double || v instanceof byte[]) {
            return null;
        }
        if (depth >= MAX_DEPTH) {
            return "nested deeper than " + MAX_DEPTH + " levels";
        }
        if (v instanceof List<?> list) {
            for (Object e : list) {
                String p = problem(e, depth + 1);
                if (p != null) return p;
            }
            return null;
        }
        if (v instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    return "map key of type " + typeName(e.getKey()) + " (only String keys are allowed)";
                }
                String p = problem(e.getValue(), depth + 1);
                if (p != null) return p;
            }
            return null;
        }
        return "type " + typeName(v) + " is not allowed (String, Boolean, Integer, Long, Double, byte[], List, Map)";
    }

    private static String typeName(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }
}
