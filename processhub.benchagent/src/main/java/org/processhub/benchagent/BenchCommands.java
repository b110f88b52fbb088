package org.processhub.benchagent;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.processhub.api.ChildInfo;
import org.processhub.api.ChildSpec;
import org.processhub.api.NodeId;
import org.processhub.api.ProcessHub;
import org.processhub.api.ProcessHubConstants;
import org.processhub.api.ProcessRef;
import org.processhub.api.Scope;
import org.processhub.api.StartOptions;
import org.processhub.api.StartResult;
import org.processhub.api.hook.Hook;
import org.processhub.api.hook.RegistryChange;

/**
 * Benchmark commands, Gogo scope {@code bench}, installed into a running node by the benchmark driver
 * ({@code processhub.benchmarks}). They use the {@link ProcessHub} service only, like any user bundle.
 *
 * <p>Every command prints exactly one line {@code BENCH <command> key=value ...} (or {@code error: ...}).
 * Times are absolute {@link System#nanoTime()} values: on Linux that clock is machine-wide monotonic, so the
 * driver compares timestamps taken in different JVMs of one host. Durations are printed in microseconds.
 */
@Component(service = BenchCommands.class, immediate = true, // keeps its watches and snapshots between commands
        property = {"osgi.command.scope=bench",
        "osgi.command.function=ping", "osgi.command.function=members", "osgi.command.function=stopbundle", "osgi.command.function=startmany", "osgi.command.function=await",
        "osgi.command.function=check", "osgi.command.function=snap", "osgi.command.function=moved",
        "osgi.command.function=watch", "osgi.command.function=failover", "osgi.command.function=seqstart",
        "osgi.command.function=watchdump", "osgi.command.function=calls", "osgi.command.function=heap"})
public final class BenchCommands {
    private static final Duration LONG = Duration.ofMinutes(10);
    /** Key of the time a watch saw a member leave (no child id contains a space). */
    private static final String LEAVE = "@ leave";
    private final Map<String, ProcessHub> hubs = new ConcurrentHashMap<>();
    /** Snapshots child id → node name, by tag (for movement and failover accounting). */
    private final Map<String, Map<String, String>> snapshots = new ConcurrentHashMap<>();
    /** Registry watches by tag: child id → nanoTime of the first matching insert. */
    private final Map<String, Map<String, Long>> watches = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHub(ProcessHub hub, Map<String, Object> props) {
        hubs.put(String.valueOf(props.get(ProcessHubConstants.HUB_ID)), hub);
    }

    void removeHub(ProcessHub hub, Map<String, Object> props) {
        hubs.remove(String.valueOf(props.get(ProcessHubConstants.HUB_ID)), hub);
    }

    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }

    public String ping() {
        return "BENCH ping pong";
    }

    /**
     * Stops a bundle by symbolic name: an A/B experiment without changing the node, e.g. stopping
     * {@code org.apache.felix.eventadmin} to measure what posting every hook to EventAdmin costs.
     */
    public String stopbundle(String symbolicName) throws Exception {
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().equals(symbolicName)) {
                b.stop();
                return "BENCH stopbundle name=" + symbolicName + " state=" + b.getState();
            }
        }
        return "error: no bundle " + symbolicName;
    }

    /** The hub's member count as this node sees it. */
    public String members(String hub) {
        return "BENCH members n=" + hub(hub).nodes(true).size();
    }

    /**
     * Starts {@code prefix0 .. prefix<count-1>} in batches of {@code batch} children, all batches submitted
     * at once, then waits for every start to be answered (each child's init ran on its owner) and for this
     * node's registry to list every child. Prints t0 (before the first request), started (all answered)
     * and visible (local registry complete), as absolute nanoTimes.
     */
    public String startmany(String hub, String prefix, int count, String factory, int batch) throws Exception {
        ProcessHub h = hub(hub);
        StartOptions options = StartOptions.DEFAULTS.withTimeout(LONG);
        List<List<ChildSpec>> batches = new ArrayList<>();
        for (int from = 0; from < count; from += batch) {
            List<ChildSpec> specs = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + batch); i++) specs.add(ChildSpec.of(prefix + i, factory));
            batches.add(specs);
        }
        long t0 = System.nanoTime();
        List<CompletableFuture<StartResult>> futures = new ArrayList<>();
        for (List<ChildSpec> b : batches) futures.add(h.startChildren(b, options).toCompletableFuture());
        int ok = 0;
        int errors = 0;
        String firstError = "none";
        for (CompletableFuture<StartResult> f : futures) {
            StartResult r = f.get(LONG.toMillis(), TimeUnit.MILLISECONDS);
            ok += r.started().size();
            errors += r.errors().size();
            if (!r.errors().isEmpty() && firstError.equals("none")) firstError = r.errors().get(0).toString().replace(' ', '_');
        }
        long started = System.nanoTime();
        long visible = awaitVisible(h, prefix, count, LONG.toMillis());
        return "BENCH startmany n=" + count + " ok=" + ok + " errors=" + errors + " t0=" + t0 + " started=" + started
                + " visible=" + visible + " firstError=" + firstError;
    }

    /** Waits until this node's registry lists every {@code prefix<i>}; prints when (nanoTime) or -1. */
    public String await(String hub, String prefix, int count, long timeoutMs) throws Exception {
        ProcessHub h = hub(hub);
        long t = awaitVisible(h, prefix, count, timeoutMs);
        return "BENCH await n=" + count + " t=" + t + " found=" + found(h, prefix, count);
    }

    /**
     * Polls lookups with a cursor: the ids before it are known to be present (rows are not removed in
     * these runs), so the whole wait costs O(count) lookups plus one per poll.
     */
    private static long awaitVisible(ProcessHub h, String prefix, int count, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int cursor = 0;
        while (true) {
            while (cursor < count && h.childLookup(prefix + cursor).isPresent()) cursor++;
            if (cursor == count) return System.nanoTime();
            if (System.nanoTime() > deadline) return -1;
            Thread.sleep(1);
        }
    }

    private static int found(ProcessHub h, String prefix, int count) {
        int n = 0;
        for (int i = 0; i < count; i++) if (h.childLookup(prefix + i).isPresent()) n++;
        return n;
    }

    /**
     * What really runs, asked from every member ({@code whichChildren(GLOBAL)}): running, missing and
     * duplicate counts for {@code prefix0..}, instances per node, and how many of this node's registry rows
     * disagree with where the child really runs.
     */
    public String check(String hub, String prefix, int count) throws Exception {
        ProcessHub h = hub(hub);
        Map<NodeId, List<ProcessRef>> running = h.whichChildren(Scope.GLOBAL).toCompletableFuture().get(60, TimeUnit.SECONDS);
        Map<String, Integer> instances = new HashMap<>();
        Map<String, Integer> perNode = new TreeMap<>();
        Map<String, List<String>> where = new HashMap<>();
        running.forEach((node, refs) -> {
            int n = 0;
            for (ProcessRef r : refs) {
                if (!r.childId().startsWith(prefix)) continue;
                instances.merge(r.childId(), 1, Integer::sum);
                where.computeIfAbsent(r.childId(), k -> new ArrayList<>()).add(node.name());
                n++;
            }
            perNode.put(node.name(), n);
        });
        int missing = 0;
        int duplicates = 0;
        int registryWrong = 0;
        for (int i = 0; i < count; i++) {
            String id = prefix + i;
            int n = instances.getOrDefault(id, 0);
            if (n == 0) missing++;
            if (n > 1) duplicates++;
            Optional<ChildInfo> row = h.childLookup(id);
            List<String> real = where.getOrDefault(id, List.of());
            List<String> listed = row.map(r -> r.nodes().stream().map(NodeId::name).sorted().toList()).orElse(List.of());
            if (!listed.equals(real.stream().sorted().toList())) registryWrong++;
        }
        return "BENCH check expected=" + count + " running=" + instances.size() + " missing=" + missing + " duplicates="
                + duplicates + " registryWrong=" + registryWrong + " nodes=" + join(perNode);
    }

    /** Remembers where this node's registry says each {@code prefix<i>} runs, under {@code tag}; prints per-node counts. */
    public String snap(String hub, String tag, String prefix, int count) {
        ProcessHub h = hub(hub);
        Map<String, String> snap = new HashMap<>(count * 2);
        Map<String, Integer> perNode = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + i;
            Optional<ChildInfo> row = h.childLookup(id);
            String node = row.isEmpty() || row.get().refs().isEmpty() ? "-" : row.get().refs().get(0).node().name();
            snap.put(id, node);
            perNode.merge(node, 1, Integer::sum);
        }
        snapshots.put(tag, snap);
        return "BENCH snap tag=" + tag + " n=" + count + " nodes=" + join(perNode);
    }

    /** Compares this node's registry now with snapshot {@code tag}: how many children moved, and to which node from which. */
    public String moved(String hub, String tag) {
        ProcessHub h = hub(hub);
        Map<String, String> snap = snapshots.get(tag);
        if (snap == null) return "error: no snapshot " + tag;
        Map<String, Integer> to = new TreeMap<>();
        Map<String, Integer> perNode = new TreeMap<>();
        int moved = 0;
        for (Map.Entry<String, String> e : snap.entrySet()) {
            Optional<ChildInfo> row = h.childLookup(e.getKey());
            String node = row.isEmpty() || row.get().refs().isEmpty() ? "-" : row.get().refs().get(0).node().name();
            perNode.merge(node, 1, Integer::sum);
            if (!node.equals(e.getValue())) {
                moved++;
                to.merge(e.getValue() + ">" + node, 1, Integer::sum);
            }
        }
        return "BENCH moved tag=" + tag + " n=" + snap.size() + " moved=" + moved + " paths=" + join(to) + " nodes=" + join(perNode);
    }

    /**
     * Records, from now on, the nanoTime of the first registry insert of each child whose id starts with
     * {@code prefix}: {@code mode=all} any instance, {@code mode=local} only instances on this node.
     */
    public String watch(String hub, String tag, String prefix, String mode) {
        ProcessHub h = hub(hub);
        Map<String, Long> seen = new ConcurrentHashMap<>();
        watches.put(tag, seen);
        NodeId self = h.localNode();
        boolean localOnly = mode.equals("local");
        h.hooks().cancel(Hook.REGISTRY_PID_INSERTED, "bench-" + tag);
        h.hooks().register(Hook.REGISTRY_PID_INSERTED, "bench-" + tag, 0, (RegistryChange c) -> {
            if (!c.childId().startsWith(prefix)) return;
            if (localOnly && c.refs().stream().noneMatch(r -> r.node().equals(self))) return;
            seen.putIfAbsent(c.childId(), System.nanoTime());
        });
        if (localOnly) { // failover: also when this node learns that a member left
            h.hooks().cancel(Hook.CLUSTER_LEAVE, "bench-" + tag);
            h.hooks().register(Hook.CLUSTER_LEAVE, "bench-" + tag, 0, (NodeId n) -> seen.putIfAbsent(LEAVE, System.nanoTime()));
        }
        return "BENCH watch tag=" + tag + " mode=" + mode;
    }

    /** Stops watch {@code tag} and prints {@code id=nanoTime} pairs. */
    public String watchdump(String hub, String tag) {
        hub(hub).hooks().cancel(Hook.REGISTRY_PID_INSERTED, "bench-" + tag);
        Map<String, Long> seen = watches.remove(tag);
        if (seen == null) return "error: no watch " + tag;
        StringBuilder b = new StringBuilder("BENCH watchdump tag=" + tag + " n=" + seen.size() + " data=");
        seen.forEach((id, t) -> b.append(id).append('=').append(t).append(';'));
        return b.toString();
    }

    /**
     * Failover accounting on a survivor: of the children that snapshot {@code snapTag} placed on
     * {@code victim}, which ones watch {@code tag} saw start here, and how long after {@code t0} (µs).
     */
    public String failover(String hub, String tag, String snapTag, String victim, long t0) {
        hub(hub).hooks().cancel(Hook.REGISTRY_PID_INSERTED, "bench-" + tag);
        hub(hub).hooks().cancel(Hook.CLUSTER_LEAVE, "bench-" + tag);
        Map<String, Long> seen = watches.remove(tag);
        Map<String, String> snap = snapshots.get(snapTag);
        if (seen == null || snap == null) return "error: no watch " + tag + " or snapshot " + snapTag;
        int lost = 0;
        StringBuilder d = new StringBuilder();
        int here = 0;
        for (Map.Entry<String, String> e : snap.entrySet()) {
            if (!e.getValue().equals(victim)) continue;
            lost++;
            Long t = seen.get(e.getKey());
            if (t != null) {
                here++;
                d.append((t - t0) / 1000).append(',');
            }
        }
        Long left = seen.get(LEAVE);
        return "BENCH failover lost=" + lost + " here=" + here + " leftUs=" + (left == null ? -1 : (left - t0) / 1000)
                + " deltasUs=" + d;
    }

    /**
     * Starts {@code n} children one after another, each awaited, choosing ids this node owns (so the registry
     * insert happens here); prints {@code id=nanoTime} of each start call.
     */
    public String seqstart(String hub, String prefix, int n, String factory) throws Exception {
        ProcessHub h = hub(hub);
        NodeId self = h.localNode();
        StringBuilder b = new StringBuilder();
        int i = 0;
        int done = 0;
        int errors = 0;
        while (done < n) {
            String id = prefix + (i++);
            if (!h.owners(id).get(0).equals(self)) continue;
            long t = System.nanoTime();
            try {
                h.startChild(ChildSpec.of(id, factory)).toCompletableFuture().get(30, TimeUnit.SECONDS);
                b.append(id).append('=').append(t).append(';');
            } catch (Exception e) {
                errors++;
            }
            done++;
        }
        return "BENCH seqstart n=" + n + " errors=" + errors + " data=" + b;
    }

    /**
     * Call latency and throughput to one child of {@code prefix0..count-1} that runs here ({@code where=local})
     * or on another node ({@code remote}): a warm-up, {@code n} sequential calls timed one by one, then
     * {@code n} calls with {@code window} outstanding. The message is "ping"; the bench process echoes it.
     */
    public String calls(String hub, String prefix, int count, String where, int n, int window) throws Exception {
        ProcessHub h = hub(hub);
        NodeId self = h.localNode();
        String child = null;
        for (int i = 0; i < count && child == null; i++) {
            Optional<ChildInfo> row = h.childLookup(prefix + i);
            if (row.isEmpty()) continue;
            boolean here = row.get().nodes().contains(self);
            if (here == where.equals("local")) child = prefix + i;
        }
        if (child == null) return "error: no " + where + " child among " + prefix + "0.." + (count - 1);
        Duration timeout = Duration.ofSeconds(30);
        for (int i = 0; i < Math.max(2000, n / 2); i++) h.call(child, "ping", timeout).toCompletableFuture().get();
        long[] lat = new long[n];
        long l0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            h.call(child, "ping", timeout).toCompletableFuture().get();
            lat[i] = System.nanoTime() - t;
        }
        long l1 = System.nanoTime();
        Semaphore permits = new Semaphore(window);
        AtomicInteger failed = new AtomicInteger();
        int total = n * 4;
        long p0 = System.nanoTime();
        for (int i = 0; i < total; i++) {
            permits.acquire();
            h.call(child, "ping", timeout).whenComplete((v, e) -> {
                if (e != null) failed.incrementAndGet();
                permits.release();
            });
        }
        permits.acquire(window);
        long p1 = System.nanoTime();
        Arrays.sort(lat);
        long sum = 0;
        for (long x : lat) sum += x;
        return "BENCH calls child=" + child + " where=" + where + " n=" + n + " p50=" + us(pct(lat, 0.50)) + " p90="
                + us(pct(lat, 0.90)) + " p99=" + us(pct(lat, 0.99)) + " p999=" + us(pct(lat, 0.999)) + " max="
                + us(lat[n - 1]) + " mean=" + us(sum / n) + " seqPerSec=" + (long) (n / ((l1 - l0) / 1e9))
                + " window=" + window + " pipelinedPerSec=" + (long) (total / ((p1 - p0) / 1e9)) + " failed=" + failed.get();
    }

    /** Heap used after full GCs (the smallest of several readings), heap max and this hub's local child count. */
    public String heap(String hub) throws Exception {
        ProcessHub h = hub(hub);
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100); // a measurement settling, not synchronisation
            min = Math.min(min, mx.getHeapMemoryUsage().getUsed());
        }
        int local = h.whichChildren(Scope.LOCAL).toCompletableFuture().get().values().stream().mapToInt(List::size).sum();
        return "BENCH heap used=" + min + " max=" + mx.getHeapMemoryUsage().getMax() + " local=" + local;
    }

    private ProcessHub hub(String id) {
        ProcessHub h = hubs.get(id);
        if (h == null) throw new IllegalArgumentException("no hub " + id + " on this node");
        return h;
    }

    static long pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String us(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1000.0);
    }

    private static String join(Map<String, Integer> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append(':').append(v));
        return b.length() == 0 ? "-" : b.toString();
    }
}
