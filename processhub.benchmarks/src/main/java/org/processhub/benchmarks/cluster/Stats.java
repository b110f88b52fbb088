package org.processhub.benchmarks.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Percentiles of raw samples, and median [min–max] (n) over repetitions. */
final class Stats {
    private Stats() {}

    /** Nearest-rank percentile of unsorted samples (sorted copy). */
    static double pct(Collection<? extends Number> samples, double p) {
        List<Double> s = sorted(samples);
        if (s.isEmpty()) return Double.NaN;
        int i = (int) Math.ceil(p * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    static List<Double> sorted(Collection<? extends Number> samples) {
        List<Double> s = new ArrayList<>();
        for (Number n : samples) s.add(n.doubleValue());
        s.sort(null);
        return s;
    }

    /** p50/p99/max/n of samples (e.g. latencies in ms). */
    static Map<String, Object> summary(Collection<? extends Number> samples) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Double> s = sorted(samples);
        m.put("n", s.size());
        if (s.isEmpty()) return m;
        m.put("p50", round(pct(s, 0.50)));
        m.put("p90", round(pct(s, 0.90)));
        m.put("p99", round(pct(s, 0.99)));
        m.put("max", round(s.get(s.size() - 1)));
        return m;
    }

    /** Median, min, max over repetitions. */
    static Map<String, Object> overReps(Collection<? extends Number> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Double> s = sorted(values);
        m.put("n", s.size());
        if (s.isEmpty()) return m;
        m.put("median", round(median(s)));
        m.put("min", round(s.get(0)));
        m.put("max", round(s.get(s.size() - 1)));
        return m;
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return v;
        double a = Math.abs(v);
        int digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 4;
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** "median [min–max] (n)" of an {@link #overReps} map, or "–". */
    static String fmt(Object reps) {
        if (!(reps instanceof Map<?, ?> m) || !m.containsKey("median")) return "–";
        return num(m.get("median")) + " [" + num(m.get("min")) + "–" + num(m.get("max")) + "] (" + m.get("n") + ")";
    }

    static String num(Object o) {
        if (!(o instanceof Number n)) return String.valueOf(o);
        double v = n.doubleValue();
        if (v == Math.rint(v) && Math.abs(v) >= 1) return String.format(Locale.ROOT, "%,d", (long) v);
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : Math.abs(v) >= 1 ? "%.2f" : "%.3f", v);
    }
}
