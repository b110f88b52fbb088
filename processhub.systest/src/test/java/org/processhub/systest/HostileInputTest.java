package org.processhub.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.processhub.systest.SecuritySupport.CMD;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * A default two-node cluster (no secret, no TLS) with 100 children under attack from raw sockets on every
 * port a node listens on: Ignite discovery, Ignite communication, the ProcessHub transport and the merge
 * beacon. Each port gets a burst of connections carrying random bytes (seeded), a huge length prefix,
 * truncated handshakes, or nothing at all; the transport also gets connections that pass its (secret-less)
 * handshake and then send a huge frame length or garbage frames. Afterwards both nodes still work, the
 * cluster is not stalled (a third node joins and takes over its children), no node died, and the logs
 * were not flooded.
 */
class HostileInputTest {
    static final int CHILDREN = 100;
    static final int PER_PORT = 200;
    static final Duration FORM = Duration.ofSeconds(180);
    static final Duration CONVERGE = Duration.ofSeconds(90);
    /** How long the attack waits for the nodes to close the connections it holds open. */
    static final Duration HOLD = Duration.ofSeconds(20);
    /** Upper bound of WARN/ERROR lines one node may log for the whole attack. */
    static final int MAX_WARN_LINES_PER_NODE = 40;
    /** Upper bound of log lines of any kind (stack traces, thread dumps included) one node may write for the attack. */
    static final int MAX_LINES_PER_NODE = 200;
    static final byte[] IGNITE_HEADER = {0x00, 0x00, 0x47, 0x47};
    static final String[] KINDS = {"random bytes", "huge length", "truncated handshake", "silent"};
    static final Pattern TRANSPORT_WARN = Pattern.compile(
            "rejected connection from|closing connection from|TLS handshake with|refusing connection from|dropping malformed frame");

    final SecuritySupport.Steps steps = new SecuritySupport.Steps();
    final SoftAssertions soft = new SoftAssertions();

    record Target(String node, String port, int number) {
        @Override
        public String toString() {
            return node + " " + port + " :" + number;
        }
    }

    /** What a burst against one port did. */
    record Burst(Target target, int connected, int refused, int closedByNode, int stillOpen, long closeMillisMax,
            Map<String, Integer> firstBytes, Map<String, Integer> stillOpenByKind) {}

    @Test
    void garbageOnEveryPortNeitherBreaksNorFloodsTheNodes() throws Exception {
        try (NodeCluster cluster = new NodeCluster("hostile")) {
            long t0 = System.nanoTime();
            List<NodeProcess> nodes = new ArrayList<>(List.of(cluster.start("n1"), cluster.start("n2")));
            SecuritySupport.awaitHubNodes(nodes, Set.of("n1", "n2"), FORM);
            steps.step("2 nodes form the hub (from launch)", t0);

            t0 = System.nanoTime();
            List<String> out = nodes.get(0).run("hub:startmany default c " + CHILDREN + " counter", CMD);
            assertThat(out).isNotEmpty();
            assertThat(out.get(out.size() - 1)).startsWith("started " + CHILDREN + " of " + CHILDREN + " in ");
            Set<String> ids = SecuritySupport.ids("c", CHILDREN);
            Map<String, String> placement = SecuritySupport.awaitConverged(nodes.get(0), nodes, ids, CONVERGE);
            steps.step("startmany " + CHILDREN + " and every registry agrees", t0);

            // every port each node listens on
            List<Target> targets = new ArrayList<>();
            for (NodeProcess n : nodes) {
                int transport = SecuritySupport.transportAddress(n, Duration.ofSeconds(5)).getPort();
                Set<Integer> listening = new HashSet<>(SecuritySupport.listeningPorts(n.pid()));
                listening.remove(transport);
                targets.add(new Target(n.name, "discovery", only(n, listening, cluster.discoveryPort, cluster.discoveryPort + NodeCluster.RANGE)));
                targets.add(new Target(n.name, "communication", only(n, listening, cluster.communicationPort, cluster.communicationPort + 99)));
                targets.add(new Target(n.name, "transport", transport));
                targets.add(new Target(n.name, "beacon", only(n, listening, cluster.discoveryPort + 1000,
                        cluster.discoveryPort + 1000 + NodeCluster.RANGE)));
                System.out.println(n.name + " listens on " + SecuritySupport.listeningPorts(n.pid()));
            }
            System.out.println("targets: " + targets);

            // the attack: one burst per port, all ports at once
            Map<String, Long> logStart = new LinkedHashMap<>();
            for (NodeProcess n : nodes) logStart.put(n.name, SecuritySupport.logSize(n));
            t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(targets.size());
            List<Future<Burst>> futures = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                Target t = targets.get(i);
                long seed = 1000 + i;
                futures.add(pool.submit(() -> burst(t, seed)));
            }
            List<Burst> bursts = new ArrayList<>();
            for (Future<Burst> f : futures) bursts.add(f.get());
            pool.shutdown();
            long attackMillis = (System.nanoTime() - t0) / 1_000_000;
            steps.step("attack: " + PER_PORT + " connections on each of " + targets.size() + " ports", t0);
            for (Burst b : bursts) {
                System.out.printf("burst %-26s connected %3d refused %3d closed-by-node %3d still-open %3d %s (slowest close %d ms) "
                        + "first bytes from the node: %s%n", b.target, b.connected, b.refused, b.closedByNode, b.stillOpen,
                        b.stillOpenByKind, b.closeMillisMax, b.firstBytes);
            }
            // the logs: wait until they stop growing, then count what the attack made the nodes write
            t0 = System.nanoTime();
            awaitQuietLogs(nodes);
            steps.step("node logs quiet again", t0);
            Map<String, List<String>> warnLines = new LinkedHashMap<>();
            for (NodeProcess n : nodes) {
                String slice = SecuritySupport.logSince(n, logStart.get(n.name));
                List<String> warns = SecuritySupport.linesMatching(slice, SecuritySupport.WARN_OR_ERROR);
                warnLines.put(n.name, warns);
                List<String> transportWarns = SecuritySupport.linesMatching(slice, TRANSPORT_WARN);
                long igniteWarns = warns.stream().filter(l -> l.contains(" ignite: ")).count();
                System.out.printf("%s logged %d line(s) during the attack: %d WARN/ERROR (%d from Ignite, %d from the transport)%n",
                        n.name, slice.split("\n").length, warns.size(), igniteWarns, transportWarns.size());
                summarize(warns).forEach((msg, count) -> System.out.printf("  %s x%d: %s%n", n.name, count, msg));
                // the transport: at most one warning per remote address (all attacks come from 127.0.0.1) per 10 s,
                // for bad connections and for bad frames (two limiters: at most 2 in any window shorter than 10 s)
                soft.assertThat(maxInWindow(transportWarns, Duration.ofMillis(9_500))).as("%s: most transport warnings "
                        + "about one address (127.0.0.1) within 9.5 s (promise: one per address per 10 s for bad connections, "
                        + "one for bad frames); the lines:%n%s", n.name, String.join("\n", transportWarns)).isLessThanOrEqualTo(2);
                soft.assertThat(warns.size()).as("%s: WARN/ERROR lines during the attack (bound %d; %d log lines in all); grouped:%n%s",
                        n.name, MAX_WARN_LINES_PER_NODE, slice.split("\n").length, render(summarize(warns)))
                        .isLessThanOrEqualTo(MAX_WARN_LINES_PER_NODE);
                soft.assertThat(slice.split("\n").length).as("%s: log lines of any kind during the attack (bound %d; Ignite's "
                        + "thread dumps for its blocked communication worker: %d)", n.name, MAX_LINES_PER_NODE,
                        warns.stream().filter(l -> l.contains("Thread dump at")).count()).isLessThanOrEqualTo(MAX_LINES_PER_NODE);
            }
            for (Burst b : bursts) {
                if (b.target.port().equals("transport")) {
                    // connections that passed the (secret-less) handshake may stay: they are peers now
                    int unauthenticated = b.stillOpenByKind.entrySet().stream().filter(e -> !e.getKey().startsWith("after handshake"))
                            .mapToInt(Map.Entry::getValue).sum();
                    soft.assertThat(unauthenticated).as("%s: the transport closes every connection that did not complete the "
                            + "handshake within %s (handshake timeout 5 s); still open: %s", b.target, HOLD, b.stillOpenByKind).isZero();
                }
            }

            // no node died, both still work
            t0 = System.nanoTime();
            for (NodeProcess n : nodes) {
                assertThat(n.process.isAlive()).as("%s is alive", n.name).isTrue();
                assertThat(SecuritySupport.hubNodes(n)).as("hub:nodes on %s after the attack", n.name).containsExactly("n1", "n2");
                assertThat(SecuritySupport.registry(n)).as("registry of %s after the attack", n.name).isEqualTo(placement);
                String log = SecuritySupport.readLog(n);
                assertThat(SecuritySupport.linesMatching(log, Pattern.compile("hub default: node n[12] (failed|left)")))
                        .as("%s saw no member fail or leave", n.name).isEmpty();
            }
            for (NodeProcess n : nodes) {
                String child = "h-" + n.name;
                assertThat(n.runOne("hub:start default " + child + " counter", CMD)).startsWith("started " + child + " on ");
                for (NodeProcess asker : nodes) {
                    assertThat(asker.runOne("hub:call default " + child + " incr", CMD)).as("%s calls %s", asker.name, child).matches("[12]");
                }
                String other = SecuritySupport.childOn(placement, n.name.equals("n1") ? "n2" : "n1");
                assertThat(n.runOne("hub:call default " + other + " incr", CMD)).as("%s calls %s on the other node", n.name, other)
                        .matches("\\d+");
                assertThat(n.runOne("hub:stop default " + child, CMD)).isEqualTo("stopped " + child);
            }
            steps.step("start/call/stop on both nodes after the attack", t0);

            // not stalled: a third node joins and takes over its share
            t0 = System.nanoTime();
            nodes.add(cluster.start("n3"));
            SecuritySupport.awaitHubNodes(nodes, Set.of("n1", "n2", "n3"), FORM);
            steps.step("n3 joins after the attack (from launch)", t0);
            Map<String, String> afterJoin = SecuritySupport.awaitConverged(nodes.get(0), nodes, ids, CONVERGE);
            steps.step("n3 join: children moved and registries agree (from launch)", t0);
            assertThat(afterJoin.values()).contains("n3").containsOnly("n1", "n2", "n3");
            afterJoin.forEach((child, node) -> {
                if (!node.equals(placement.get(child))) assertThat(node).as("%s moved, so to n3", child).isEqualTo("n3");
            });
            for (NodeProcess n : nodes) assertThat(n.process.isAlive()).as("%s is alive at the end", n.name).isTrue();
            soft.assertAll();
        } finally {
            steps.print("HostileInputTest");
        }
    }

    private static int only(NodeProcess n, Set<Integer> listening, int from, int to) {
        List<Integer> found = listening.stream().filter(p -> p >= from && p <= to).sorted().toList();
        if (found.size() != 1) throw new AssertionError(n.name + " listens on " + found + " in " + from + ".." + to + " (all " + listening + ")");
        return found.get(0);
    }

    /**
     * {@value #PER_PORT} connections to one port, a quarter each: random bytes, a huge length prefix, a truncated
     * handshake, nothing. On the transport a tenth each of the random and huge ones first pass the handshake
     * (it has no secret here) under a fresh name, then send a huge frame length or garbage frames. The
     * connections stay open until the node closes them or {@link #HOLD} passes.
     */
    static Burst burst(Target target, long seed) throws IOException {
        Random random = new Random(seed);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", target.number);
        List<SocketChannel> open = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        Map<String, Integer> firstBytes = new LinkedHashMap<>();
        int refused = 0;
        try {
            for (int i = 0; i < PER_PORT; i++) {
                int kind = i % 4;
                SocketChannel ch = SocketChannel.open();
                try {
                    ch.socket().connect(address, 3000);
                    ch.socket().setSoTimeout(1500);
                } catch (IOException e) {
                    ch.close();
                    refused++;
                    continue;
                }
                open.add(ch);
                boolean transport = target.port.equals("transport");
                boolean authenticated = transport && (kind == 0 || kind == 1) && i % 20 < 4;
                kinds.add((authenticated ? "after handshake: " : "") + KINDS[kind]);
                try {
                    if (authenticated) {
                        // the transport without a secret lets anyone in under any name
                        readN(ch, 16);
                        ch.socket().getOutputStream().write(SecuritySupport.transportHello("mallory-" + seed + "-" + i));
                        int status = ch.socket().getInputStream().read();
                        firstBytes.merge("status " + status, 1, Integer::sum);
                    }
                    switch (kind) {
                        case 0 -> { // random bytes: one blob, or frames of garbage after the handshake
                            if (authenticated) {
                                for (int f = 0; f < 3; f++) write(ch, frame(random, 8 + random.nextInt(200)));
                            } else {
                                write(ch, bytes(random, 1 + random.nextInt(4096)));
                            }
                        }
                        case 1 -> { // a huge length prefix
                            ByteBuffer b = ByteBuffer.allocate(64);
                            b.putInt(0x7fffffff).put(bytes(random, 60));
                            write(ch, b.array());
                        }
                        case 2 -> write(ch, truncatedHandshake(target.port, ch, random, firstBytes));
                        default -> { // nothing
                        }
                    }
                } catch (IOException e) {
                    firstBytes.merge("io error: " + e.getClass().getSimpleName(), 1, Integer::sum);
                }
            }
            int connected = open.size();
            long[] slowest = {0};
            Map<String, Integer> stillOpen = new LinkedHashMap<>();
            int closed = awaitClosed(open, kinds, HOLD, slowest, stillOpen);
            return new Burst(target, connected, refused, closed, connected - closed, slowest[0], firstBytes, stillOpen);
        } finally {
            for (SocketChannel ch : open) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** The first part of the port's handshake, then silence. */
    private static byte[] truncatedHandshake(String port, SocketChannel ch, Random random, Map<String, Integer> firstBytes)
            throws IOException {
        switch (port) {
            case "transport": {
                byte[] challenge = readN(ch, 16); // the server speaks first: a 16-byte challenge
                firstBytes.merge("challenge " + challenge.length + " bytes", 1, Integer::sum);
                byte[] half = "mallo".getBytes(StandardCharsets.UTF_8);
                ByteBuffer b = ByteBuffer.allocate(4 + 1 + half.length);
                b.put(new byte[] {'P', 'H', 'T', '1'}).put((byte) 10).put(half); // name of 10 bytes, 5 sent
                return b.array();
            }
            case "beacon": {
                ByteBuffer b = ByteBuffer.allocate(12);
                b.put(new byte[] {'P', 'H', 'B', '2'}).put(bytes(random, 8)); // 8 of 16 nonce bytes
                return b.array();
            }
            default: { // Ignite discovery and communication: the header, then a few bytes of a message
                byte[] got = readAvailable(ch, 200);
                if (got.length > 0) firstBytes.merge(port + " sent " + SecuritySupport.hex(got, 8), 1, Integer::sum);
                ByteBuffer b = ByteBuffer.allocate(4 + 5);
                b.put(IGNITE_HEADER).put(bytes(random, 5));
                return b.array();
            }
        }
    }

    private static byte[] frame(Random random, int length) {
        ByteBuffer b = ByteBuffer.allocate(4 + length);
        b.putInt(length).put(bytes(random, length));
        return b.array();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static void write(SocketChannel ch, byte[] b) throws IOException {
        ch.socket().getOutputStream().write(b);
        ch.socket().getOutputStream().flush();
    }

    private static byte[] readN(SocketChannel ch, int n) throws IOException {
        InputStream in = ch.socket().getInputStream();
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw new IOException("got " + b.length + " of " + n + " bytes");
        return b;
    }

    private static byte[] readAvailable(SocketChannel ch, int waitMillis) throws IOException {
        ch.socket().setSoTimeout(waitMillis);
        byte[] b = new byte[256];
        try {
            int n = ch.socket().getInputStream().read(b);
            return n <= 0 ? new byte[0] : java.util.Arrays.copyOf(b, n);
        } catch (java.net.SocketTimeoutException e) {
            return new byte[0];
        } finally {
            ch.socket().setSoTimeout(1500);
        }
    }

    /** Waits until the peer has closed each channel (EOF or reset) or the time passes; returns how many it closed. */
    private static int awaitClosed(List<SocketChannel> channels, List<String> kinds, Duration timeout, long[] slowestMillis,
            Map<String, Integer> stillOpenByKind) throws IOException {
        long start = System.nanoTime();
        int closed = 0;
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < channels.size(); i++) {
                SocketChannel ch = channels.get(i);
                if (!ch.isOpen()) {
                    closed++;
                    continue;
                }
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, kinds.get(i));
            }
            ByteBuffer buf = ByteBuffer.allocate(8192);
            long deadline = start + timeout.toNanos();
            while (!selector.keys().isEmpty()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) break;
                selector.select(left);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel ch = (SocketChannel) key.channel();
                    boolean end;
                    try {
                        buf.clear();
                        end = ch.read(buf) < 0;
                    } catch (IOException e) {
                        end = true; // reset
                    }
                    if (end) {
                        key.cancel();
                        ch.close();
                        closed++;
                        slowestMillis[0] = Math.max(slowestMillis[0], (System.nanoTime() - start) / 1_000_000);
                    }
                }
                selector.selectedKeys().clear();
                selector.selectNow(); // flush cancelled keys
                selector.selectedKeys().clear();
            }
            for (SelectionKey key : selector.keys()) {
                if (key.isValid()) stillOpenByKind.merge((String) key.attachment(), 1, Integer::sum);
            }
        }
        return closed;
    }

    /** Waits until no node's log grew for 2 s (at most 30 s). */
    private static void awaitQuietLogs(List<NodeProcess> nodes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Long> last = new LinkedHashMap<>();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            boolean changed = false;
            for (NodeProcess n : nodes) {
                long size = SecuritySupport.logSize(n);
                Long before = last.put(n.name, size);
                if (before == null || before != size) changed = true;
            }
            if (changed) stableSince = System.nanoTime();
            else if (System.nanoTime() - stableSince > 2_000_000_000L) return;
            Thread.sleep(250);
        }
    }

    /** The most lines whose timestamps (ISO instant, first word) fall within one {@code window}. */
    static int maxInWindow(List<String> lines, Duration window) {
        List<java.time.Instant> times = new ArrayList<>();
        for (String l : lines) {
            try {
                times.add(java.time.Instant.parse(l.substring(0, l.indexOf(' '))));
            } catch (RuntimeException e) {
                // not one of ours
            }
        }
        java.util.Collections.sort(times);
        int max = 0;
        for (int i = 0, j = 0; j < times.size(); j++) {
            while (Duration.between(times.get(i), times.get(j)).compareTo(window) > 0) i++;
            max = Math.max(max, j - i + 1);
        }
        return max;
    }

    /** Warning lines grouped by their message with numbers, addresses and ids blanked out. */
    static Map<String, Integer> summarize(List<String> lines) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String l : lines) {
            String msg = l.replaceFirst("^\\S+ ", "").replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>")
                    .replaceAll("\\d+", "#");
            if (msg.length() > 300) msg = msg.substring(0, 300) + "...";
            m.merge(msg, 1, Integer::sum);
        }
        return m;
    }

    static String render(Map<String, Integer> summary) {
        StringBuilder b = new StringBuilder();
        summary.forEach((msg, count) -> b.append("  x").append(count).append(": ").append(msg).append('\n'));
        return b.toString();
    }
}
