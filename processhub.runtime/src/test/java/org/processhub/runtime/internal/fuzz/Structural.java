package org.processhub.runtime.internal.fuzz;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Deep comparison for decoded wire values, stricter than {@code equals}: {@code byte[]} by content (records and
 * collections compare arrays by identity), doubles by their raw bits (the codec keeps NaN payloads and -0.0), map
 * entries in iteration order (the codec preserves it) and records component by component.
 */
final class Structural {
    private Structural() {}

    /** Fails with the path of the first difference. */
    static void assertSame(Object expected, Object actual, String what) {
        String diff = difference(expected, actual, what);
        if (diff != null) {
            throw new AssertionError(diff);
        }
    }

    /** Null if equal, else where and how they differ. */
    static String difference(Object a, Object b, String path) {
        if (a == b) {
            return null;
        }
        if (a == null || b == null) {
            return path + ": " + describe(a) + " vs " + describe(b);
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y) ? null : path + ": byte arrays differ";
        }
        if (a instanceof Double x && b instanceof Double y) {
            return Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(y) ? null
                    : path + ": " + x + " vs " + y + " (raw bits differ)";
        }
        if (a.getClass().isRecord() && a.getClass() == b.getClass()) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                String d = difference(get(c, a), get(c, b), path + "." + c.getName());
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return path + ": list sizes " + x.size() + " vs " + y.size();
            }
            for (int i = 0; i < x.size(); i++) {
                String d = difference(x.get(i), y.get(i), path + "[" + i + "]");
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return path + ": map sizes " + x.size() + " vs " + y.size();
            }
            Iterator<? extends Map.Entry<?, ?>> i = x.entrySet().iterator();
            Iterator<? extends Map.Entry<?, ?>> j = y.entrySet().iterator();
            int n = 0;
            while (i.hasNext()) {
                Map.Entry<?, ?> e = i.next();
                Map.Entry<?, ?> f = j.next();
                if (!e.getKey().equals(f.getKey())) {
                    return path + ": key #" + n + " " + describe(e.getKey()) + " vs " + describe(f.getKey());
                }
                String d = difference(e.getValue(), f.getValue(), path + "[" + describe(e.getKey()) + "]");
                if (d != null) {
                    return d;
                }
                n++;
            }
            return null;
        }
        if (a.getClass() != b.getClass()) {
            return path + ": " + describe(a) + " vs " + describe(b);
        }
        return a.equals(b) ? null : path + ": " + describe(a) + " vs " + describe(b);
    }

    private static Object get(RecordComponent c, Object record) {
        try {
            c.getAccessor().setAccessible(true);
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Object o) {
        if (o == null) {
            return "null";
        }
        String s = o instanceof byte[] b ? Arrays.toString(b) : String.valueOf(o);
        if (s.length() > 80) {
            s = s.substring(0, 80) + "...";
        }
        return o.getClass().getSimpleName() + " " + s;
    }
}
