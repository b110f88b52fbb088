package org.processhub.benchmarks.ignite;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteServices;
import org.apache.ignite.Ignition;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.lang.IgniteFuture;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.apache.ignite.services.ServiceConfiguration;
import org.apache.ignite.services.ServiceDescriptor;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

/**
 * A plain Apache Ignite 2.17 server node for the Service Grid side of the benchmarks, configured as in
 * {@code shared/reference/anchor-ignite-service-grid.md} (loopback TcpDiscovery with a port range, FDT
 * 2000 ms, 64 MiB default region, no peer class loading, no client/REST connectors).
 *
 * <p>It reads the same {@code bench:...} commands from stdin as the ProcessHub bench agent and prints the
 * same {@code BENCH ...} lines (the hub argument is ignored), so the driver runs one script against both
 * systems. A "child" is a cluster-singleton {@link BenchService} named by the child id; "running" means its
 * {@code execute()} was called; the "registry" is {@code services().serviceDescriptors()}.
 *
 * <p>{@code java <ignite opens> -cp <benchmarks classpath> org.processhub.benchmarks.ignite.IgniteSgNode
 * <name> <discoveryPort> <communicationPort> <workDir>}
 */
public final class IgniteSgNode {
    static final int DISCOVERY_RANGE = 10;
    private static final long LONG_MS = TimeUnit.MINUTES.toMillis(10);
    /** Local watches: tag → (name → nanoTime of execute() here), for services whose name has the watch's prefix. */
    private static final Map<String, Watch> WATCHES = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, String>> SNAPSHOTS = new ConcurrentHashMap<>();
    private static final String LEAVE = "@ leave";
    private static Ignite ignite;
    private static String self;

    private record Watch(String prefix, boolean localOnly, Map<String, Long> seen, Thread poller) {}

    private IgniteSgNode() {}

    public static void main(String[] args) throws Exception {
        self = args[0];
        int discoveryPort = Integer.parseInt(args[1]);
        int commPort = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // Ignite's console lines go to the log, not into command output
        ignite = Ignition.start(configuration(self, discoveryPort, commPort, args[3]));
        out.println("READY " + self);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            if (line.isEmpty()) continue;
            String result;
            try {
                result = run(line.split("\\s+"));
            } catch (Exception e) {
                result = "error: " + e;
                e.printStackTrace();
            }
            out.println(result);
        }
        ignite.close();
        System.exit(0);
    }

    static IgniteConfiguration configuration(String name, int discoveryPort, int commPort, String workDir) {
        TcpDiscoveryVmIpFinder finder = new TcpDiscoveryVmIpFinder();
        finder.setAddresses(List.of("127.0.0.1:" + discoveryPort + ".." + (discoveryPort + DISCOVERY_RANGE - 1)));
        TcpDiscoverySpi discovery = new TcpDiscoverySpi();
        discovery.setLocalAddress("127.0.0.1");
        discovery.setLocalPort(discoveryPort);
        discovery.setLocalPortRange(DISCOVERY_RANGE);
        discovery.setIpFinder(finder);
        TcpCommunicationSpi communication = new TcpCommunicationSpi();
        communication.setLocalAddress("127.0.0.1");
        communication.setLocalPort(commPort);
        DataRegionConfiguration region = new DataRegionConfiguration().setName("default")
                .setInitialSize(64L << 20).setMaxSize(64L << 20).setPersistenceEnabled(false);
        return new IgniteConfiguration()
                .setIgniteInstanceName(name)
                .setConsistentId(name)
                .setLocalHost("127.0.0.1")
                .setDiscoverySpi(discovery)
                .setCommunicationSpi(communication)
                .setFailureDetectionTimeout(2000)
                .setPeerClassLoadingEnabled(false)
                .setMetricsLogFrequency(0)
                .setClientConnectorConfiguration(null)
                .setConnectorConfiguration(null)
                .setWorkDirectory(workDir)
                .setDataStorageConfiguration(new DataStorageConfiguration().setDefaultDataRegionConfiguration(region));
    }

    /** Called by {@link BenchService#execute} on this node. */
    static void started(String name, long nanos) {
        for (Watch w : WATCHES.values()) {
            if (w.localOnly && name.startsWith(w.prefix)) w.seen.putIfAbsent(name, nanos);
        }
    }

    private static String run(String[] a) throws Exception {
        String cmd = a[0].startsWith("bench:") ? a[0].substring(6) : a[0];
        return switch (cmd) {
            case "echo" -> String.join(" ", Arrays.copyOfRange(a, 1, a.length));
            case "ping" -> "BENCH ping pong";
            case "members" -> "BENCH members n=" + ignite.cluster().forServers().nodes().size();
            case "startmany" -> startmany(a[2], Integer.parseInt(a[3]), Integer.parseInt(a[5]));
            case "await" -> {
                long t = awaitVisible(a[2], Integer.parseInt(a[3]), Long.parseLong(a[4]));
                yield "BENCH await n=" + a[3] + " t=" + t + " found=" + descriptorNames(a[2]).size();
            }
            case "check" -> check(a[2], Integer.parseInt(a[3]));
            case "snap" -> snap(a[2], a[3], Integer.parseInt(a[4]));
            case "moved" -> moved(a[2]);
            case "watch" -> watch(a[2], a[3], a[4]);
            case "watchdump" -> watchdump(a[2]);
            case "failover" -> failover(a[2], a[3], a[4], Long.parseLong(a[5]));
            case "seqstart" -> seqstart(a[2], Integer.parseInt(a[3]));
            case "calls" -> calls(a[2], Integer.parseInt(a[3]), a[4], Integer.parseInt(a[5]), Integer.parseInt(a[6]));
            case "heap" -> heap();
            default -> "error: unknown command " + a[0];
        };
    }

    private static ServiceConfiguration singleton(String name) {
        ServiceConfiguration c = new ServiceConfiguration();
        c.setName(name);
        c.setService(new BenchService());
        c.setTotalCount(1);
        c.setMaxPerNodeCount(1);
        return c;
    }

    /**
     * deployAll of cluster singletons {@code prefix0..count-1} in batches (one batch: the synchronous
     * deployAll; several: deployAllAsync each, all awaited); then until every instance's execute() ran
     * (recorded times, gathered by compute broadcast) and this node lists all descriptors.
     */
    private static String startmany(String prefix, int count, int batch) throws Exception {
        List<List<ServiceConfiguration>> batches = new ArrayList<>();
        for (int from = 0; from < count; from += batch) {
            List<ServiceConfiguration> b = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + batch); i++) b.add(singleton(prefix + i));
            batches.add(b);
        }
        IgniteServices services = ignite.services();
        String error = "none";
        // this node's descriptors are watched while the deploy runs, as on the other nodes
        long[] visible = {-1};
        Thread watcher = new Thread(() -> {
            try {
                visible[0] = awaitVisible(prefix, count, LONG_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watcher.start();
        long t0 = System.nanoTime();
        try {
            if (batches.size() == 1) {
                services.deployAll(batches.get(0));
            } else {
                List<IgniteFuture<Void>> fs = new ArrayList<>();
                for (List<ServiceConfiguration> b : batches) fs.add(services.deployAllAsync(b));
                for (IgniteFuture<Void> f : fs) f.get(LONG_MS);
            }
        } catch (Exception e) {
            error = e.getClass().getSimpleName();
        }
        long returned = System.nanoTime();
        // every instance running: poll the nodes (20 ms), then take the exact recorded execute() times
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LONG_MS);
        Map<String, Long> live;
        do {
            live = liveEverywhere(prefix);
            if (live.size() >= count) break;
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        long started = returned;
        for (long t : live.values()) started = Math.max(started, t);
        watcher.join();
        return "BENCH startmany n=" + count + " ok=" + live.size() + " errors=" + (count - live.size()) + " t0=" + t0
                + " started=" + started + " visible=" + visible[0] + " firstError=" + error + " returned=" + returned;
    }

    /** Polls this node's service descriptors (10 ms) until all {@code count} are listed; nanoTime or -1. */
    private static long awaitVisible(String prefix, int count, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            if (descriptorNames(prefix).size() >= count) return System.nanoTime();
            if (System.nanoTime() > deadline) return -1;
            Thread.sleep(10);
        }
    }

    private static List<String> descriptorNames(String prefix) {
        List<String> names = new ArrayList<>();
        for (ServiceDescriptor d : ignite.services().serviceDescriptors()) {
            if (d.name().startsWith(prefix)) names.add(d.name());
        }
        return names;
    }

    /** Running instances on every server: "node|name" → execute() nanoTime. */
    private static Map<String, Long> liveByNode(String prefix) {
        Map<String, Long> all = new HashMap<>();
        Collection<Map<String, Long>> parts = ignite.compute(ignite.cluster().forServers()).broadcast(new LiveCall(prefix));
        parts.forEach(all::putAll);
        return all;
    }

    private static Map<String, Long> liveEverywhere(String prefix) {
        Map<String, Long> byName = new HashMap<>();
        liveByNode(prefix).forEach((k, v) -> byName.merge(k.substring(k.indexOf('|') + 1), v, Math::max));
        return byName;
    }

    /** Runs on every server: its live instances with the prefix. */
    static final class LiveCall implements IgniteCallable<Map<String, Long>> {
        private static final long serialVersionUID = 1L;
        private final String prefix;
        @IgniteInstanceResource
        private transient Ignite local;

        LiveCall(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Map<String, Long> call() {
            String node = String.valueOf(local.cluster().localNode().consistentId());
            Map<String, Long> m = new HashMap<>();
            BenchService.LIVE.forEach((name, t) -> {
                if (name.startsWith(prefix)) m.put(node + "|" + name, t);
            });
            return m;
        }
    }

    private static String check(String prefix, int count) {
        Map<String, List<String>> where = new HashMap<>();
        Map<String, Integer> perNode = new TreeMap<>();
        for (ClusterNode n : ignite.cluster().forServers().nodes()) perNode.put(String.valueOf(n.consistentId()), 0);
        liveByNode(prefix).keySet().forEach(k -> {
            String node = k.substring(0, k.indexOf('|'));
            where.computeIfAbsent(k.substring(k.indexOf('|') + 1), x -> new ArrayList<>()).add(node);
            perNode.merge(node, 1, Integer::sum);
        });
        Map<String, List<String>> listed = new HashMap<>();
        for (ServiceDescriptor d : ignite.services().serviceDescriptors()) {
            if (!d.name().startsWith(prefix)) continue;
            List<String> nodes = new ArrayList<>();
            for (Map.Entry<UUID, Integer> e : d.topologySnapshot().entrySet()) {
                ClusterNode n = ignite.cluster().node(e.getKey());
                if (e.getValue() > 0) nodes.add(n == null ? "gone:" + e.getKey() : String.valueOf(n.consistentId()));
            }
            nodes.sort(null);
            listed.put(d.name(), nodes);
        }
        int missing = 0;
        int duplicates = 0;
        int registryWrong = 0;
        for (int i = 0; i < count; i++) {
            List<String> real = where.getOrDefault(prefix + i, List.of());
            if (real.isEmpty()) missing++;
            if (real.size() > 1) duplicates++;
            List<String> sorted = new ArrayList<>(real);
            sorted.sort(null);
            if (!sorted.equals(listed.getOrDefault(prefix + i, List.of()))) registryWrong++;
        }
        return "BENCH check expected=" + count + " running=" + where.size() + " missing=" + missing + " duplicates="
                + duplicates + " registryWrong=" + registryWrong + " nodes=" + join(perNode);
    }

    /** Where each child really runs now (compute broadcast), remembered under {@code tag}. */
    private static String snap(String tag, String prefix, int count) {
        Map<String, String> snap = new HashMap<>();
        for (int i = 0; i < count; i++) snap.put(prefix + i, "-");
        liveByNode(prefix).keySet().forEach(k -> snap.put(k.substring(k.indexOf('|') + 1), k.substring(0, k.indexOf('|'))));
        Map<String, Integer> perNode = new TreeMap<>();
        snap.values().forEach(n -> perNode.merge(n, 1, Integer::sum));
        SNAPSHOTS.put(tag, snap);
        return "BENCH snap tag=" + tag + " n=" + count + " nodes=" + join(perNode);
    }

    private static String moved(String tag) {
        Map<String, String> snap = SNAPSHOTS.get(tag);
        if (snap == null) return "error: no snapshot " + tag;
        String prefix = snap.keySet().iterator().next().replaceAll("\\d+$", "");
        Map<String, String> now = new HashMap<>();
        liveByNode(prefix).keySet().forEach(k -> now.put(k.substring(k.indexOf('|') + 1), k.substring(0, k.indexOf('|'))));
        Map<String, Integer> paths = new TreeMap<>();
        Map<String, Integer> perNode = new TreeMap<>();
        int moved = 0;
        for (Map.Entry<String, String> e : snap.entrySet()) {
            String node = now.getOrDefault(e.getKey(), "-");
            perNode.merge(node, 1, Integer::sum);
            if (!node.equals(e.getValue())) {
                moved++;
                paths.merge(e.getValue() + ">" + node, 1, Integer::sum);
            }
        }
        return "BENCH moved tag=" + tag + " n=" + snap.size() + " moved=" + moved + " paths=" + join(paths) + " nodes=" + join(perNode);
    }

    /**
     * {@code local}: execute() times of matching services on this node from now on. {@code all}: first time
     * this node's descriptors list a matching service (polled every 2 ms: Ignite has no event for it).
     */
    private static String watch(String tag, String prefix, String mode) {
        Map<String, Long> seen = new ConcurrentHashMap<>();
        Thread poller = null;
        if (mode.equals("local")) { // failover: also when this node sees a server leave (topology polled every 1 ms)
            int servers = ignite.cluster().forServers().nodes().size();
            poller = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    if (ignite.cluster().forServers().nodes().size() < servers) {
                        seen.putIfAbsent(LEAVE, System.nanoTime());
                        return;
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-leave-" + tag);
            poller.setDaemon(true);
            poller.start();
        } else if (mode.equals("all")) {
            poller = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    for (ServiceDescriptor d : ignite.services().serviceDescriptors()) {
                        if (d.name().startsWith(prefix)) seen.putIfAbsent(d.name(), System.nanoTime());
                    }
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-watch-" + tag);
            poller.setDaemon(true);
        }
        // names already there are not new: mark them so they are left out of the dump
        Map<String, Long> before = new HashMap<>();
        if (poller != null && !poller.isAlive()) {
            for (String n : descriptorNames(prefix)) before.put(n, -1L);
            seen.putAll(before);
            poller.start();
        }
        WATCHES.put(tag, new Watch(prefix, !mode.equals("all"), seen, poller));
        return "BENCH watch tag=" + tag + " mode=" + mode;
    }

    private static Watch endWatch(String tag) {
        Watch w = WATCHES.remove(tag);
        if (w != null && w.poller != null) w.poller.interrupt();
        return w;
    }

    private static String watchdump(String tag) {
        Watch w = endWatch(tag);
        if (w == null) return "error: no watch " + tag;
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (Map.Entry<String, Long> e : w.seen.entrySet()) {
            if (e.getValue() < 0) continue;
            b.append(e.getKey()).append('=').append(e.getValue()).append(';');
            n++;
        }
        return "BENCH watchdump tag=" + tag + " n=" + n + " data=" + b;
    }

    private static String failover(String tag, String snapTag, String victim, long t0) {
        Watch w = endWatch(tag);
        Map<String, String> snap = SNAPSHOTS.get(snapTag);
        if (w == null || snap == null) return "error: no watch " + tag + " or snapshot " + snapTag;
        int lost = 0;
        int here = 0;
        StringBuilder d = new StringBuilder();
        for (Map.Entry<String, String> e : snap.entrySet()) {
            if (!e.getValue().equals(victim)) continue;
            lost++;
            Long t = w.seen.get(e.getKey());
            if (t != null) {
                here++;
                d.append((t - t0) / 1000).append(',');
            }
        }
        Long left = w.seen.get(LEAVE);
        return "BENCH failover lost=" + lost + " here=" + here + " leftUs=" + (left == null ? -1 : (left - t0) / 1000)
                + " deltasUs=" + d;
    }

    /** Deploys {@code n} singletons one after another (each deploy() awaited); prints name=nanoTime of each call. */
    private static String seqstart(String prefix, int n) {
        StringBuilder b = new StringBuilder();
        int errors = 0;
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            try {
                ignite.services().deploy(singleton(prefix + i));
                b.append(prefix).append(i).append('=').append(t).append(';');
            } catch (Exception e) {
                errors++;
            }
        }
        return "BENCH seqstart n=" + n + " errors=" + errors + " data=" + b;
    }

    /**
     * Proxy calls ({@code serviceProxy(name, Probe, sticky=false)}) to a service running here or elsewhere:
     * warm-up, {@code n} sequential timed calls, then {@code n*4} calls from {@code window} threads (the proxy
     * is synchronous, so threads stand in for outstanding requests).
     */
    private static String calls(String prefix, int count, String where, int n, int window) throws Exception {
        String child = null;
        for (int i = 0; i < count && child == null; i++) {
            boolean here = BenchService.LIVE.containsKey(prefix + i);
            if (here == where.equals("local")) {
                if (here || liveEverywhere(prefix + i).containsKey(prefix + i)) child = prefix + i;
            }
        }
        if (child == null) return "error: no " + where + " service among " + prefix + "0.." + (count - 1);
        Probe p = ignite.services().serviceProxy(child, Probe.class, false);
        for (int i = 0; i < Math.max(2000, n / 2); i++) p.ping("ping");
        long[] lat = new long[n];
        long l0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            p.ping("ping");
            lat[i] = System.nanoTime() - t;
        }
        long l1 = System.nanoTime();
        int total = n * 4;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(window);
        long p0 = System.nanoTime();
        for (int w = 0; w < window; w++) {
            Thread t = new Thread(() -> {
                while (next.getAndIncrement() < total) {
                    try {
                        p.ping("ping");
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
                done.countDown();
            });
            t.setDaemon(true);
            t.start();
        }
        done.await();
        long p1 = System.nanoTime();
        Arrays.sort(lat);
        long sum = 0;
        for (long x : lat) sum += x;
        return "BENCH calls child=" + child + " where=" + where + " n=" + n + " p50=" + us(pct(lat, 0.50)) + " p90="
                + us(pct(lat, 0.90)) + " p99=" + us(pct(lat, 0.99)) + " p999=" + us(pct(lat, 0.999)) + " max="
                + us(lat[n - 1]) + " mean=" + us(sum / n) + " seqPerSec=" + (long) (n / ((l1 - l0) / 1e9))
                + " window=" + window + " pipelinedPerSec=" + (long) (total / ((p1 - p0) / 1e9)) + " failed=" + failed.get();
    }

    private static String heap() throws InterruptedException {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100); // a measurement settling, not synchronisation
            min = Math.min(min, mx.getHeapMemoryUsage().getUsed());
        }
        return "BENCH heap used=" + min + " max=" + mx.getHeapMemoryUsage().getMax() + " local=" + BenchService.LIVE.size();
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
