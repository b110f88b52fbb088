package org.processhub.benchmarks.cluster;

import java.util.Collection;
import java.util.Map;

/** Writes maps, lists, strings, numbers and booleans as indented JSON (results only; no parsing). */
public final class Json {
    private Json() {}

    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0);
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, Object v, int indent) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                b.append("{}");
                return;
            }
            b.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                pad(b, indent + 1);
                string(b, String.valueOf(e.getKey()));
                b.append(": ");
                write(b, e.getValue(), indent + 1);
                b.append(++i < m.size() ? ",\n" : "\n");
            }
            pad(b, indent);
            b.append('}');
        } else if (v instanceof Collection<?> c) {
            boolean flat = c.stream().allMatch(x -> x instanceof Number || x instanceof String);
            b.append('[');
            int i = 0;
            for (Object x : c) {
                if (!flat) {
                    b.append('\n');
                    pad(b, indent + 1);
                }
                write(b, x, indent + 1);
                if (++i < c.size()) b.append(flat ? ", " : ",");
            }
            if (!flat && !c.isEmpty()) {
                b.append('\n');
                pad(b, indent);
            }
            b.append(']');
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            b.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else {
            string(b, String.valueOf(v));
        }
    }

    private static void pad(StringBuilder b, int indent) {
        b.append("  ".repeat(indent));
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
                    else b.append(ch);
                }
            }
        }
        b.append('"');
    }
}
