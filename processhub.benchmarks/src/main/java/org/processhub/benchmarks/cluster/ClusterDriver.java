package org.processhub.benchmarks.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.processhub.api.NodeId;
import org.processhub.benchmarks.placement.PlacementStudy;
import org.processhub.runtime.internal.ring.HashRing;

/**
 * The multi-JVM benchmark driver: ProcessHub (real nodes from {@code processhub.jar} plus the bench agent)
 * and Apache Ignite Service Grid ({@code IgniteSgNode}) side by side, with the same script and the same
 * JVM flags, one fresh 3-node cluster per (system, K, repetition):
 * <ol>
 * <li>start throughput: K children started from node n1 in batches (all submitted, all awaited) until every
 * child runs and the registries (Ignite: service descriptors) of n1, n2 and n3 list all of them;</li>
 * <li>placement balance max/mean over the 3 nodes;</li>
 * <li>on the smallest K: registry propagation (start on n1, first seen on n2, one at a time) and call
 * latency/throughput to a child on n1 and one on another node;</li>
 * <li>failover: {@code kill -9} of n3, per lost child the time until it runs again on a survivor, then
 * missing/duplicate counts after quiescence;</li>
 * <li>join: n4 joins the 2 survivors; the fraction of children that moved and where to.</li>
 * </ol>
 * Plus, once per system: heap per idle child on a single node (and how many children 1 GiB holds), the
 * raw TCP floor of the host, and the placement study ({@link PlacementStudy}).
 *
 * <p>Writes {@code <out>/<run>/result.json} and {@code summary.md}. Run: {@code processhub.benchmarks/run.sh
 * cluster --full} (see docs/benchmarks.md), or the smoke run in {@code mvn verify}.
 */
public final class ClusterDriver {
    static final String HUB = "default";
    static final Duration CMD = Duration.ofMinutes(10);
    final Options o;
    final Path runDir;
    final Map<String, Object> result = new LinkedHashMap<>();

    ClusterDriver(Options o) throws Exception {
        this.o = o;
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        this.runDir = o.out.resolve(stamp + "-" + o.mode).toAbsolutePath();
        Files.createDirectories(runDir);
    }

    public static void main(String[] args) throws Exception {
        Path dir = new ClusterDriver(new Options(args)).run();
        System.out.println("results in " + dir);
        System.exit(0);
    }

    /** Runs everything; returns the run directory. */
    Path run() throws Exception {
        result.put("started", Instant.now().toString());
        result.put("machine", Machine.describe());
        result.put("options", o.describe());
        result.put("tcp_floor", tcpFloor());
        Map<String, Object> systems = new LinkedHashMap<>();
        for (String sys : o.systems) {
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int k : o.ks) {
                for (int rep = 1; rep <= o.reps; rep++) {
                    if (sys.equals("ignite") && k > o.igniteMaxK) continue;
                    log(sys + " K=" + k + " rep " + rep);
                    Map<String, Object> r = clusterRun(sys, k, rep, k == o.ks.get(0), "");
                    if (String.valueOf(r.get("error")).contains(TestCluster.NOT_FORMED)) {
                        // the cluster never formed (a membership failure of the system under test): recorded
                        // with the run, and the repetition is tried once more on a fresh cluster
                        log(sys + " K=" + k + " rep " + rep + ": cluster did not form; once more");
                        Map<String, Object> retry = clusterRun(sys, k, rep, k == o.ks.get(0), "-retry");
                        retry.put("failed_attempt", r);
                        r = retry;
                    }
                    runs.add(r);
                    save();
                }
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("runs", runs);
            s.put("memory", o.memoryK > 0 ? memory(sys) : Map.of());
            systems.put(sys, s);
            result.put("systems", systems);
            save();
        }
        result.put("placement_study", PlacementStudy.run(o.placementK));
        result.put("finished", Instant.now().toString());
        ((Map<String, Object>) result.get("machine")).put("loadavg_end", Machine.loadavg());
        result.put("summary", Summary.of(result, o));
        save();
        Files.writeString(runDir.resolve("summary.md"), Summary.markdown(result, o));
        return runDir;
    }

    void save() throws Exception {
        Files.writeString(runDir.resolve("result.json"), Json.write(result));
    }

    static void log(String s) {
        System.out.println("[bench " + Instant.now() + "] " + s);
    }

    // ------------------------------------------------------------------ one cluster

    Map<String, Object> clusterRun(String sys, int k, int rep, boolean smallest, String suffix) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("k", k);
        r.put("rep", rep);
        Path dir = runDir.resolve(sys + "-k" + k + "-r" + rep + suffix);
        r.put("logs", dir.toString());
        try (TestCluster c = new TestCluster(sys, o, dir)) {
            long l0 = System.nanoTime();
            List<Node> n = c.start(List.of("n1", "n2", "n3"), 3);
            r.put("cluster_ready_ms", ms(System.nanoTime() - l0));
            Node a = n.get(0);
            Node b = n.get(1);
            Node victim = n.get(2);

            Map<String, Long> heapBefore = new LinkedHashMap<>();
            if (o.clusterHeap) for (Node x : n) heapBefore.put(x.name, Long.parseLong(x.bench("bench:heap " + HUB, CMD).get("used")));

            // 1. start throughput
            if (o.jfr && c.isProcessHub()) for (Node x : n) Machine.jcmd(x.pid(), "JFR.start", "name=start", "settings=" + o.jfrSettings);
            Map<String, Long> cpu0 = new LinkedHashMap<>();
            for (Node x : n) cpu0.put(x.name, Machine.cpuMs(x.pid()));
            Node.Pending awB = b.submit("bench:await " + HUB + " s_ " + k + " " + CMD.toMillis());
            Node.Pending awC = victim.submit("bench:await " + HUB + " s_ " + k + " " + CMD.toMillis());
            Map<String, String> s = a.bench("bench:startmany " + HUB + " s_ " + k + " bench " + Math.min(o.batch, k), CMD);
            long tB = Long.parseLong(b.result(awB, CMD).get("t"));
            long tC = Long.parseLong(victim.result(awC, CMD).get("t"));
            long t0 = Long.parseLong(s.get("t0"));
            long started = Long.parseLong(s.get("started"));
            long visibleA = Long.parseLong(s.get("visible"));
            Map<String, Object> cpu = new LinkedHashMap<>();
            long cpuTotal = 0;
            for (Node x : n) {
                long used = Machine.cpuMs(x.pid()) - cpu0.get(x.name);
                cpu.put(x.name, used);
                cpuTotal += used;
            }
            if (o.jfr && c.isProcessHub()) {
                for (Node x : n) Machine.jcmd(x.pid(), "JFR.dump", "name=start", "filename=" + c.dir.resolve(x.name + "-start.jfr"));
            }
            Map<String, Object> start = new LinkedHashMap<>();
            start.put("ok", Integer.parseInt(s.get("ok")));
            start.put("errors", Integer.parseInt(s.get("errors")));
            start.put("first_error", s.get("firstError"));
            start.put("all_running_ms", ms(started - t0));
            if (s.containsKey("returned")) start.put("call_returned_ms", ms(Long.parseLong(s.get("returned")) - t0));
            start.put("visible_ms", List.of(ms(visibleA - t0), ms(tB - t0), ms(tC - t0)));
            boolean complete = tB > 0 && tC > 0 && visibleA > 0;
            long end = Math.max(started, Math.max(visibleA, Math.max(tB, tC)));
            start.put("complete", complete);
            start.put("total_ms", ms(end - t0));
            start.put("children_per_s", complete ? Math.round(k / ((end - t0) / 1e9)) : 0);
            start.put("running_per_s", Math.round(k / ((started - t0) / 1e9)));
            start.put("cpu_ms_per_node", cpu);
            start.put("cpu_us_per_child_all_nodes", Stats.round(cpuTotal * 1000.0 / k));
            r.put("start", start);

            if (o.clusterHeap) r.put("heap_bytes_per_child", heapPerChild(n, heapBefore, k)); // before the agent's snapshots

            // 2. placement, and the correctness of what runs
            Map<String, String> snap = a.bench("bench:snap " + HUB + " before s_ " + k, CMD);
            b.bench("bench:snap " + HUB + " before s_ " + k, CMD);
            Map<String, Integer> perNode = counts(snap.get("nodes"));
            Map<String, Object> placement = new LinkedHashMap<>();
            placement.put("per_node", perNode);
            placement.put("max_mean", maxMean(perNode, 3));
            if (c.isProcessHub()) placement.put("matches_ring", perNode.equals(ringPrediction(List.of("n1", "n2", "n3"), k)));
            r.put("placement", placement);
            r.put("check_after_start", check(a, k));

            if (o.idleMs > 0) r.put("idle_cpu_ms_per_s", idleCpu(n)); // anti-entropy and timers, nothing asked

            // 3. propagation and calls, on the smallest K
            if (smallest) {
                r.put("propagation", propagation(a, b, c.isProcessHub()));
                Map<String, Object> calls = new LinkedHashMap<>();
                calls.put("local", calls(a, k, "local"));
                if (o.jfr && c.isProcessHub()) for (Node x : n) Machine.jcmd(x.pid(), "JFR.start", "name=calls", "settings=" + o.jfrSettings);
                calls.put("remote", calls(a, k, "remote"));
                if (o.jfr && c.isProcessHub()) {
                    for (Node x : n) Machine.jcmd(x.pid(), "JFR.dump", "name=calls", "filename=" + c.dir.resolve(x.name + "-calls.jfr"));
                }
                r.put("calls", calls);
            }

            // 4. failover after kill -9 of n3
            a.bench("bench:watch " + HUB + " fo s_ local", CMD);
            b.bench("bench:watch " + HUB + " fo s_ local", CMD);
            long tKill = System.nanoTime();
            victim.kill9();
            r.put("failover", failover(c, a, b, k, tKill));

            // 5. n4 joins the two survivors
            a.bench("bench:snap " + HUB + " join s_ " + k, CMD);
            long j0 = System.nanoTime();
            Node d = c.start(List.of("n4"), 3).get(0);
            Map<String, Object> join = new LinkedHashMap<>();
            join.put("n4_ready_ms", ms(System.nanoTime() - j0));
            join.putAll(join(a, k));
            join.put("check", check(d, k));
            r.put("join", join);
        } catch (Exception e) {
            log("run failed: " + e);
            r.put("error", String.valueOf(e));
        }
        return r;
    }

    /** Heap growth per child on each node and summed over the nodes (heap after full GCs). */
    static Map<String, Object> heapPerChild(List<Node> nodes, Map<String, Long> before, int k) throws Exception {
        Map<String, Object> heap = new LinkedHashMap<>();
        long total = 0;
        for (Node x : nodes) {
            long d = Long.parseLong(x.bench("bench:heap " + HUB, CMD).get("used")) - before.get(x.name);
            heap.put(x.name, Stats.round(d / (double) k));
            total += d;
        }
        heap.put("cluster", Stats.round(total / (double) k));
        return heap;
    }

    /** CPU ms per second each node uses while nobody asks anything, over {@link Options#idleMs}. */
    Map<String, Object> idleCpu(List<Node> nodes) throws InterruptedException {
        Map<String, Long> cpu0 = new LinkedHashMap<>();
        for (Node x : nodes) cpu0.put(x.name, Machine.cpuMs(x.pid()));
        long t0 = System.nanoTime();
        Thread.sleep(o.idleMs);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        long total = 0;
        for (Node x : nodes) {
            long used = Machine.cpuMs(x.pid()) - cpu0.get(x.name);
            m.put(x.name, Stats.round(used / seconds));
            total += used;
        }
        m.put("cluster", Stats.round(total / seconds));
        return m;
    }

    Map<String, Object> check(Node n, int k) throws Exception {
        Map<String, String> c = n.bench("bench:check " + HUB + " s_ " + k, CMD);
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("running", "missing", "duplicates", "registryWrong")) m.put(key, Integer.parseInt(c.get(key)));
        m.put("per_node", counts(c.get("nodes")));
        return m;
    }

    /**
     * Children started one at a time on n1, each seen by a registry watch on n2. For ProcessHub the ids are
     * chosen so that n1 owns them, and n1's own registry insert is the start of the propagation; Ignite has
     * no such moment (its descriptors reach every node before any instance runs), so only the end-to-end
     * time from the start call is comparable across the two.
     */
    Map<String, Object> propagation(Node a, Node b, boolean insertTimes) throws Exception {
        b.bench("bench:watch " + HUB + " pB p_ all", CMD);
        a.bench("bench:watch " + HUB + " pA p_ local", CMD);
        Map<String, String> seq = a.bench("bench:seqstart " + HUB + " p_ " + o.propagationReps + " bench", CMD);
        Thread.sleep(500); // the last ones reach n2
        Map<String, Long> calls = pairs(seq.get("data"));
        Map<String, Long> onA = pairs(a.bench("bench:watchdump " + HUB + " pA", CMD).get("data"));
        Map<String, Long> onB = pairs(b.bench("bench:watchdump " + HUB + " pB", CMD).get("data"));
        List<Double> insertToB = new ArrayList<>();
        List<Double> callToB = new ArrayList<>();
        int missing = 0;
        for (Map.Entry<String, Long> e : calls.entrySet()) {
            Long tb = onB.get(e.getKey());
            if (tb == null) {
                missing++;
                continue;
            }
            callToB.add((tb - e.getValue()) / 1e6);
            Long ta = onA.get(e.getKey());
            if (ta != null && insertTimes) insertToB.add((tb - ta) / 1e6);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reps", o.propagationReps);
        m.put("start_errors", Integer.parseInt(seq.get("errors")));
        m.put("never_seen_on_n2", missing);
        m.put("start_call_on_n1_to_visible_on_n2_ms", Stats.summary(callToB));
        m.put("insert_on_n1_to_visible_on_n2_ms", Stats.summary(insertToB));
        return m;
    }

    Map<String, Object> calls(Node a, int k, String where) throws Exception {
        Map<String, String> c = a.bench("bench:calls " + HUB + " s_ " + k + " " + where + " " + o.callN + " " + o.callWindow, CMD);
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("p50", "p90", "p99", "p999", "max", "mean")) m.put(key + "_us", Double.parseDouble(c.get(key)));
        m.put("sequential_per_s", Long.parseLong(c.get("seqPerSec")));
        m.put("window", o.callWindow);
        m.put("pipelined_per_s", Long.parseLong(c.get("pipelinedPerSec")));
        m.put("failed", Integer.parseInt(c.get("failed")));
        return m;
    }

    Map<String, Object> failover(TestCluster c, Node a, Node b, int k, long tKill) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long interval = Math.max(250, k / 200);
        Map<String, Object> check;
        while (true) {
            check = check(a, k);
            if ((int) check.get("missing") == 0 && (int) check.get("duplicates") == 0 || System.nanoTime() > deadline) break;
            Thread.sleep(interval);
        }
        m.put("converged_poll_ms", ms(System.nanoTime() - tKill));
        Thread.sleep(o.settleMs); // quiescence: nothing may change any more
        m.put("check_after_quiescence", check(a, k));
        List<Double> deltas = new ArrayList<>();
        List<Double> left = new ArrayList<>();
        int lost = 0;
        int restarted = 0;
        for (Node n : List.of(a, b)) {
            Map<String, String> f = n.bench("bench:failover " + HUB + " fo before n3 " + tKill, CMD);
            lost = Integer.parseInt(f.get("lost"));
            restarted += Integer.parseInt(f.get("here"));
            if (Long.parseLong(f.get("leftUs")) >= 0) left.add(Long.parseLong(f.get("leftUs")) / 1000.0);
            for (String x : f.getOrDefault("deltasUs", "").split(",")) if (!x.isBlank()) deltas.add(Long.parseLong(x) / 1000.0);
        }
        m.put("lost", lost);
        m.put("restarted", restarted);
        m.put("member_left_seen_after_kill_ms", left.isEmpty() ? Double.NaN : java.util.Collections.max(left));
        m.put("restart_after_kill_ms", Stats.summary(deltas));
        return m;
    }

    /** Polls until the movement stops (same count three times in a row) and nothing is missing. */
    Map<String, Object> join(Node a, int k) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long j0 = System.nanoTime();
        Map<String, String> last = null;
        int stable = 0;
        while (stable < 3 && System.nanoTime() < deadline) {
            Thread.sleep(Math.max(500, k / 100));
            Map<String, String> now = a.bench("bench:moved " + HUB + " join", CMD);
            boolean quietLongEnough = !now.get("moved").equals("0") || System.nanoTime() - j0 > o.joinQuietMs * 1_000_000;
            stable = last != null && now.get("moved").equals(last.get("moved")) && !now.get("nodes").contains("-:")
                    && quietLongEnough ? stable + 1 : 0;
            last = now;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        int moved = Integer.parseInt(last.get("moved"));
        m.put("stable_after_ms", ms(System.nanoTime() - j0));
        m.put("moved", moved);
        m.put("moved_fraction", Stats.round((double) moved / k));
        m.put("ideal_fraction", Stats.round(1.0 / 3));
        Map<String, Integer> paths = counts(last.get("paths"));
        m.put("paths", paths);
        m.put("moved_not_to_new_node", paths.entrySet().stream().filter(e -> !e.getKey().endsWith(">n4")).mapToInt(Map.Entry::getValue).sum());
        m.put("per_node_after", counts(last.get("nodes")));
        return m;
    }

    // ------------------------------------------------------------------ memory

    /** One node: heap per idle child after K starts; then (full run) fill in steps until the heap is ~90 % full. */
    Map<String, Object> memory(String sys) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        int k = sys.equals("ignite") ? o.igniteMemoryK : o.memoryK;
        if (k <= 0) return m;
        log(sys + " memory K=" + k);
        try (TestCluster c = new TestCluster(sys, o, runDir.resolve(sys + "-memory"))) {
            Node n = c.start(List.of("m1"), 1).get(0);
            Thread.sleep(2000); // let start-up garbage and lazy initialisation settle before the baseline
            Map<String, String> before = n.bench("bench:heap " + HUB, CMD);
            Map<String, Long> histBefore = Machine.histogram(n.pid());
            Map<String, String> s = n.bench("bench:startmany " + HUB + " m_ " + k + " bench " + Math.min(o.batch, k), CMD);
            Map<String, String> after = n.bench("bench:heap " + HUB, CMD);
            Map<String, Long> histAfter = Machine.histogram(n.pid());
            long used0 = Long.parseLong(before.get("used"));
            long used1 = Long.parseLong(after.get("used"));
            double per = (used1 - used0) / (double) k;
            m.put("k", k);
            m.put("started", Integer.parseInt(s.get("ok")));
            m.put("heap_before", used0);
            m.put("heap_after", used1);
            m.put("heap_max", Long.parseLong(after.get("max")));
            m.put("bytes_per_child", Stats.round(per));
            m.put("top_classes_bytes_per_child", Machine.diff(histBefore, histAfter, k, 15));
            long max = Long.parseLong(after.get("max"));
            m.put("children_in_1GiB_extrapolated", Math.round(((1L << 30) - used0) / per));
            if (o.fill && sys.equals("processhub")) m.put("fill", fill(n, k, max));
        }
        return m;
    }

    /**
     * Starts 200k more at a time until the next step would take the heap after GC past 90 % of max (judged by
     * the last step's growth; a step also needs room for its own transient garbage, and beyond that the JVM
     * thrashes in GC or runs out of memory), a start fails, or 4 minutes pass.
     */
    Map<String, Object> fill(Node n, int already, long max) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        int total = already;
        long t0 = System.nanoTime();
        List<String> steps = new ArrayList<>();
        long lastUsed = -1;
        for (int i = 0; i < 100 && System.nanoTime() - t0 < Duration.ofMinutes(4).toNanos(); i++) {
            Map<String, String> s;
            try {
                s = n.bench("bench:startmany " + HUB + " f" + i + "_ 200000 bench " + o.batch, Duration.ofMinutes(4));
            } catch (Exception e) {
                steps.add("failed: " + e.getMessage());
                break;
            }
            total += Integer.parseInt(s.get("ok"));
            Map<String, String> h;
            try {
                h = n.bench("bench:heap " + HUB, CMD);
            } catch (Exception e) { // e.g. an OutOfMemoryError in the node: the last step went too far
                steps.add(total + " children: heap query failed: " + e.getMessage());
                break;
            }
            long used = Long.parseLong(h.get("used"));
            steps.add(total + " children: heap " + (used >> 20) + " MiB");
            long growth = lastUsed < 0 ? 0 : used - lastUsed;
            lastUsed = used;
            if (Integer.parseInt(s.get("errors")) > 0 || used + growth > 0.90 * max) break;
        }
        m.put("children_held", total);
        m.put("steps", steps);
        return m;
    }

    // ------------------------------------------------------------------ helpers

    Map<String, Object> tcpFloor() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", o.classes.toString(), TcpFloor.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int port = Integer.parseInt(r.readLine().substring(5));
            return TcpFloor.measure(port, o.floorN, o.floorN);
        } finally {
            p.destroyForcibly();
        }
    }

    static Map<String, Integer> ringPrediction(List<String> names, int k) {
        HashRing ring = new HashRing(names.stream().map(NodeId::of).toList(), HashRing.DEFAULT_VIRTUAL_NODES);
        Map<String, Integer> m = new TreeMap<>();
        for (int i = 0; i < k; i++) m.merge(ring.owner("s_" + i).name(), 1, Integer::sum);
        return m;
    }

    static double maxMean(Map<String, Integer> perNode, int nodes) {
        int total = 0;
        int max = 0;
        for (Map.Entry<String, Integer> e : perNode.entrySet()) {
            if (e.getKey().equals("-")) continue;
            total += e.getValue();
            max = Math.max(max, e.getValue());
        }
        return total == 0 ? Double.NaN : Stats.round(max / (total / (double) nodes));
    }

    static Map<String, Integer> counts(String s) {
        Map<String, Integer> m = new TreeMap<>();
        if (s == null || s.equals("-")) return m;
        for (String part : s.split(",")) {
            int colon = part.lastIndexOf(':');
            m.put(part.substring(0, colon), Integer.parseInt(part.substring(colon + 1)));
        }
        return m;
    }

    static Map<String, Long> pairs(String data) {
        Map<String, Long> m = new HashMap<>();
        if (data == null) return m;
        for (String p : data.split(";")) {
            int eq = p.indexOf('=');
            if (eq > 0) m.put(p.substring(0, eq), Long.parseLong(p.substring(eq + 1)));
        }
        return m;
    }

    static double ms(long nanos) {
        return Stats.round(nanos / 1e6);
    }
}
