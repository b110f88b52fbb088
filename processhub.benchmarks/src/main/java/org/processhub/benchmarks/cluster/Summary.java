package org.processhub.benchmarks.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Medians over repetitions per (system, K, metric), and the side-by-side markdown table with the ratio and
 * the DESIGN §9 target of each row.
 */
final class Summary {
    private Summary() {}

    /** Metric name → path in a run's result map. */
    static final Map<String, String> METRICS = new LinkedHashMap<>();

    static {
        METRICS.put("start children/s (all running, all registries complete)", "start.children_per_s");
        METRICS.put("start: all running, children/s", "start.running_per_s");
        METRICS.put("start total ms", "start.total_ms");
        METRICS.put("start: CPU µs per child, 3 nodes together", "start.cpu_us_per_child_all_nodes");
        METRICS.put("balance max/mean (3 nodes)", "placement.max_mean");
        METRICS.put("idle cluster CPU ms per second (3 nodes, after the start)", "idle_cpu_ms_per_s.cluster");
        METRICS.put("heap bytes per child, cluster-wide (sum of 3 nodes)", "heap_bytes_per_child.cluster");
        METRICS.put("heap bytes per child on n2 (hosts 1/3, lists all)", "heap_bytes_per_child.n2");
        METRICS.put("propagation n1 insert → n2 visible p50 ms", "propagation.insert_on_n1_to_visible_on_n2_ms.p50");
        METRICS.put("propagation n1 insert → n2 visible p99 ms", "propagation.insert_on_n1_to_visible_on_n2_ms.p99");
        METRICS.put("propagation n1 insert → n2 visible max ms", "propagation.insert_on_n1_to_visible_on_n2_ms.max");
        METRICS.put("propagation n1 start call → n2 visible p50 ms", "propagation.start_call_on_n1_to_visible_on_n2_ms.p50");
        METRICS.put("propagation n1 start call → n2 visible p99 ms", "propagation.start_call_on_n1_to_visible_on_n2_ms.p99");
        METRICS.put("local call p50 µs", "calls.local.p50_us");
        METRICS.put("local call p99 µs", "calls.local.p99_us");
        METRICS.put("local call pipelined/s", "calls.local.pipelined_per_s");
        METRICS.put("remote call p50 µs", "calls.remote.p50_us");
        METRICS.put("remote call p99 µs", "calls.remote.p99_us");
        METRICS.put("remote call p99.9 µs", "calls.remote.p999_us");
        METRICS.put("remote call pipelined/s", "calls.remote.pipelined_per_s");
        METRICS.put("failover: children lost with n3", "failover.lost");
        METRICS.put("failover: survivors saw n3 leave, ms after kill -9 (later one)", "failover.member_left_seen_after_kill_ms");
        METRICS.put("failover restart after kill -9 p50 ms", "failover.restart_after_kill_ms.p50");
        METRICS.put("failover restart after kill -9 p99 ms", "failover.restart_after_kill_ms.p99");
        METRICS.put("failover restart after kill -9 max ms", "failover.restart_after_kill_ms.max");
        METRICS.put("failover missing after quiescence", "failover.check_after_quiescence.missing");
        METRICS.put("failover duplicates after quiescence", "failover.check_after_quiescence.duplicates");
        METRICS.put("join (2→3 nodes) moved fraction (ideal 0.333)", "join.moved_fraction");
        METRICS.put("join: moved, not to the new node", "join.moved_not_to_new_node");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> of(Map<String, Object> result, Options o) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> systems = (Map<String, Object>) result.getOrDefault("systems", Map.of());
        systems.forEach((sys, v) -> {
            List<Map<String, Object>> runs = (List<Map<String, Object>>) ((Map<String, Object>) v).get("runs");
            Map<String, Object> perK = new LinkedHashMap<>();
            for (int k : o.ks) {
                Map<String, Object> metrics = new LinkedHashMap<>();
                METRICS.forEach((name, path) -> {
                    List<Number> values = new ArrayList<>();
                    for (Map<String, Object> r : runs) {
                        if (!r.get("k").equals(k)) continue;
                        Object x = get(r, path);
                        if (x instanceof Number n && !Double.isNaN(n.doubleValue())) values.add(n);
                    }
                    if (!values.isEmpty()) metrics.put(name, Stats.overReps(values));
                });
                if (!metrics.isEmpty()) perK.put(String.valueOf(k), metrics);
            }
            out.put(sys, perK);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    static Object get(Map<String, Object> m, String path) {
        Object cur = m;
        for (String p : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> map)) return null;
            cur = ((Map<String, Object>) map).get(p);
        }
        return cur;
    }

    /** Target text and check for a row (null: no target). */
    static String[] target(String metric, int k, Map<String, Object> result) {
        double floor = ((Number) ((Map<?, ?>) result.get("tcp_floor")).get("p50_us")).doubleValue();
        return switch (metric) {
            case "start children/s (all running, all registries complete)" ->
                    k == 10_000 ? new String[] {"≥ 10× Ignite", "ratio>=10"} : k == 100_000 ? new String[] {"≥ 100,000/s", "ph>=100000"} : null;
            case "balance max/mean (3 nodes)" -> new String[] {"≤ 1.05", "ph<=1.05"};
            case "heap bytes per child, cluster-wide (sum of 3 nodes)" -> new String[] {"≤ 1 KB", "ph<=1024"};
            case "propagation n1 insert → n2 visible p50 ms" -> new String[] {"≤ 5 ms", "ph<=5"};
            case "propagation n1 insert → n2 visible p99 ms" -> new String[] {"≤ 50 ms", "ph<=50"};
            case "remote call p50 µs" -> new String[] {String.format(Locale.ROOT, "≤ 1.5× TCP floor (%.0f µs)", 1.5 * floor),
                    "ph<=" + 1.5 * floor};
            case "remote call p99.9 µs" -> new String[] {"≤ 1,000 µs", "ph<=1000"};
            case "remote call pipelined/s" -> new String[] {"≥ 300,000/s", "ph>=300000"};
            case "failover restart after kill -9 p99 ms" -> new String[] {"≤ FDT + 1 s = 3,000 ms (DESIGN: ≤ 300 ms)", "ph<=3000"};
            case "failover missing after quiescence", "failover duplicates after quiescence",
                    "join: moved, not to the new node" -> new String[] {"0", "ph<=0"};
            case "join (2→3 nodes) moved fraction (ideal 0.333)" -> new String[] {"≤ 1.1 × 1/3 = 0.367", "ph<=0.3667"};
            default -> null;
        };
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> result, Options o) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> machine = (Map<String, Object>) result.get("machine");
        b.append("Run ").append(result.get("started")).append(" (").append(o.mode).append("), args ").append(List.of(o.args))
                .append("\n\nMachine: ").append(machine.get("cores")).append(" cores (").append(machine.get("cpu")).append("), ")
                .append(machine.get("ram_gib")).append(" GiB RAM, ").append(machine.get("java")).append(", load average at start `")
                .append(machine.get("loadavg_start")).append("`, at end `").append(machine.get("loadavg_end")).append("`\n\n");
        Map<String, Object> floor = (Map<String, Object>) result.get("tcp_floor");
        b.append("Raw TCP round trip (64 B, one in flight, two JVMs): p50 ").append(floor.get("p50_us")).append(" µs, p99 ")
                .append(floor.get("p99_us")).append(" µs, p99.9 ").append(floor.get("p999_us")).append(" µs\n\n");
        b.append("Cells: median [min–max] (n repetitions), each repetition a fresh 3-node cluster.\n\n");
        b.append("| metric | K | ProcessHub | Ignite Service Grid | ProcessHub ÷ Ignite | target | met |\n|---|---|---|---|---|---|---|\n");
        Map<String, Object> summary = (Map<String, Object>) result.get("summary");
        Map<String, Object> ph = (Map<String, Object>) summary.getOrDefault("processhub", Map.of());
        Map<String, Object> ig = (Map<String, Object>) summary.getOrDefault("ignite", Map.of());
        for (String metric : METRICS.keySet()) {
            for (int k : o.ks) {
                Map<String, Object> p = (Map<String, Object>) ((Map<String, Object>) ph.getOrDefault(String.valueOf(k), Map.of())).get(metric);
                Map<String, Object> i = (Map<String, Object>) ((Map<String, Object>) ig.getOrDefault(String.valueOf(k), Map.of())).get(metric);
                if (p == null && i == null) continue;
                String ratio = "–";
                double pm = p == null ? Double.NaN : ((Number) p.get("median")).doubleValue();
                double im = i == null ? Double.NaN : ((Number) i.get("median")).doubleValue();
                if (!Double.isNaN(pm) && !Double.isNaN(im) && im != 0) ratio = Stats.num(Stats.round(pm / im));
                String[] t = target(metric, k, result);
                String met = "";
                if (t != null && !Double.isNaN(pm)) met = check(t[1], pm, pm / im) ? "yes" : "**no**";
                String igCell = i != null ? Stats.fmt(i) : (k > o.igniteMaxK ? "not run (capped, see text)" : "–");
                b.append("| ").append(metric).append(" | ").append(String.format(Locale.ROOT, "%,d", k)).append(" | ")
                        .append(Stats.fmt(p)).append(" | ").append(igCell).append(" | ").append(ratio).append(" | ")
                        .append(t == null ? "" : t[0]).append(" | ").append(met).append(" |\n");
            }
        }
        Map<String, Object> systems = (Map<String, Object>) result.getOrDefault("systems", Map.of());
        systems.forEach((sys, v) -> {
            for (Map<String, Object> r : (List<Map<String, Object>>) ((Map<String, Object>) v).get("runs")) {
                if (r.containsKey("failed_attempt")) {
                    Map<String, Object> f = (Map<String, Object>) r.get("failed_attempt");
                    b.append("\n").append(sys).append(" K=").append(r.get("k")).append(" rep ").append(r.get("rep"))
                            .append(": the first cluster did not form (").append(f.get("error")).append("; logs ")
                            .append(f.get("logs")).append("); repeated on a fresh cluster\n");
                }
            }
        });
        b.append("\nMemory (one node, -Xmx1g, idle children; heap after full GC):\n\n| system | K | bytes per child | 1 GiB holds (extrapolated) | filled to |\n|---|---|---|---|---|\n");
        systems.forEach((sys, v) -> {
            Map<String, Object> mem = (Map<String, Object>) ((Map<String, Object>) v).get("memory");
            if (mem == null || mem.isEmpty()) return;
            Map<String, Object> fill = (Map<String, Object>) mem.get("fill");
            b.append("| ").append(sys).append(" | ").append(Stats.num(mem.get("k"))).append(" | ").append(Stats.num(mem.get("bytes_per_child")))
                    .append(" | ").append(Stats.num(mem.get("children_in_1GiB_extrapolated"))).append(" | ")
                    .append(fill == null ? "–" : Stats.num(fill.get("children_held"))).append(" |\n");
        });
        b.append("\nPlacement study (pure function of node names and ids, ").append(o.placementK)
                .append(" ids; max/mean with nodes n1..nN / median and worst of 25 random default-style name sets; join N→N+1 moved fraction, moved not to the new node):\n\n");
        Map<String, Object> study = (Map<String, Object>) result.get("placement_study");
        b.append("| algorithm | N=2 | N=3 | N=4 | N=5 | N=10 |\n|---|---|---|---|---|---|\n");
        study.forEach((alg, v) -> {
            if (!(v instanceof Map<?, ?> perN)) return;
            b.append("| ").append(alg);
            for (String n : List.of("2", "3", "4", "5", "10")) {
                Map<String, Object> c = (Map<String, Object>) perN.get(n);
                b.append(" | ").append(c.get("max_mean_n1..nN")).append(" / ").append(c.get("max_mean_random_median")).append(" / ")
                        .append(c.get("max_mean_random_worst")).append("; join ").append(c.get("join_moved_fraction")).append(", ")
                        .append(c.get("join_moved_not_to_new_node"));
            }
            b.append(" |\n");
        });
        return b.toString();
    }

    private static boolean check(String rule, double ph, double ratio) {
        String[] r = rule.split("(<=|>=)");
        double limit = Double.parseDouble(r[1]);
        double v = r[0].equals("ratio") ? ratio : ph;
        return rule.contains(">=") ? v >= limit : v <= limit;
    }
}
