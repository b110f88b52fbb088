package org.processhub.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.processhub.systest.SecuritySupport.CMD;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * A TLS-only cluster (certificates from {@code scripts/dev-ca.sh}) end to end: three nodes form the hub,
 * 300 children start, calls cross nodes, kill -9 of a node moves its children to the survivors. Then the
 * doors: a node with a certificate from another CA and a node without TLS cannot join; plaintext
 * connections to a TLS node's discovery and transport ports get no usable answer; the cluster is
 * unaffected and still admits a node with a good certificate. Last, the merge beacon: a plaintext beacon
 * answer forged by someone without a certificate must not lure the TLS nodes out of their cluster.
 */
class TlsClusterTest {
    static final int CHILDREN = 300;
    static final String PASSWORD = "changeit";
    static final Duration FORM = Duration.ofSeconds(180);
    static final Duration CONVERGE = Duration.ofSeconds(90);
    static final Duration OUTCOME = Duration.ofSeconds(150);
    static final Duration HEAL = Duration.ofSeconds(90);
    static final Pattern STARTUP_OUTCOME = Pattern.compile(
            "joined the cluster|refused by the cluster|could not join|ClusterComponent.*activate method has thrown");

    final SecuritySupport.Steps steps = new SecuritySupport.Steps();
    final SoftAssertions soft = new SoftAssertions();

    @Test
    void tlsOnlyClusterWorksAndKeepsOutEveryoneWithoutAGoodCertificate() throws Exception {
        try (NodeCluster cluster = new NodeCluster("tls")) {
            long t0 = System.nanoTime();
            Path script = SecuritySupport.repoRoot().resolve("scripts").resolve("dev-ca.sh");
            Path ca = cluster.workDir.resolve("ca").toAbsolutePath();
            Path otherCa = cluster.workDir.resolve("other-ca").toAbsolutePath();
            SecuritySupport.exec(cluster.workDir, Duration.ofSeconds(120), "bash", script.toString(), ca.toString(), "n1", "n2", "n3", "n4");
            SecuritySupport.exec(cluster.workDir, Duration.ofSeconds(120), "bash", script.toString(), otherCa.toString(), "rogue");
            steps.step("dev-ca.sh: two CAs and their keystores", t0);

            t0 = System.nanoTime();
            List<NodeProcess> nodes = new ArrayList<>();
            for (String n : List.of("n1", "n2", "n3")) nodes.add(cluster.start(n, tls(ca, n)));
            SecuritySupport.awaitHubNodes(nodes, Set.of("n1", "n2", "n3"), FORM);
            steps.step("3 TLS nodes form the hub (from launch)", t0);
            for (NodeProcess n : nodes) {
                assertThat(SecuritySupport.readLog(n)).as("log of %s", n.name).doesNotContain(PASSWORD);
            }

            t0 = System.nanoTime();
            List<String> out = nodes.get(0).run("hub:startmany default c " + CHILDREN + " counter", CMD);
            assertThat(out).isNotEmpty();
            assertThat(out.get(out.size() - 1)).startsWith("started " + CHILDREN + " of " + CHILDREN + " in ");
            Set<String> ids = SecuritySupport.ids("c", CHILDREN);
            Map<String, String> placement = SecuritySupport.awaitConverged(nodes.get(0), nodes, ids, CONVERGE);
            steps.step("startmany " + CHILDREN + " over TLS and every registry agrees", t0);
            assertThat(placement.values()).containsOnly("n1", "n2", "n3");

            // calls from every node to a child on every node: each answer comes over the TLS transport
            t0 = System.nanoTime();
            Map<String, Integer> counts = new HashMap<>();
            for (NodeProcess asker : nodes) {
                for (String target : List.of("n1", "n2", "n3")) {
                    String child = SecuritySupport.childOn(placement, target);
                    int expected = counts.merge(child, 1, Integer::sum);
                    assertThat(asker.runOne("hub:call default " + child + " incr", CMD))
                            .as("%s calls %s on %s", asker.name, child, target).isEqualTo(String.valueOf(expected));
                }
            }
            steps.step("9 calls from every node to every node", t0);

            // kill -9 n3: its children run again on n1 and n2
            NodeProcess n3 = nodes.remove(2);
            t0 = System.nanoTime();
            n3.kill9();
            SecuritySupport.awaitHubNodes(nodes, Set.of("n1", "n2"), Duration.ofSeconds(60));
            steps.step("kill -9 n3 noticed by the survivors", t0);
            Map<String, String> afterKill = SecuritySupport.awaitConverged(nodes.get(0), nodes, ids, CONVERGE);
            steps.step("kill -9 n3: all children run again on n1, n2", t0);
            assertThat(afterKill.values()).containsOnly("n1", "n2");
            placement.forEach((child, node) -> {
                if (!node.equals("n3")) assertThat(afterKill.get(child)).as("%s stays where it was", child).isEqualTo(node);
            });
            String movedChild = placement.entrySet().stream().filter(e -> e.getValue().equals("n3")).map(Map.Entry::getKey)
                    .sorted().findFirst().orElseThrow();
            assertThat(nodes.get(0).runOne("hub:call default " + movedChild + " incr", CMD)).as("restarted child answers").matches("\\d+");

            // a certificate from another CA, and no TLS at all: neither joins
            t0 = System.nanoTime();
            NodeProcess rogue = cluster.start("rogue", "processhub.tls.keystore=" + otherCa.resolve("rogue.p12"),
                    "processhub.tls.keystore.password=" + PASSWORD, "processhub.tls.truststore=" + otherCa.resolve("truststore.p12"),
                    "processhub.tls.truststore.password=" + PASSWORD);
            NodeProcess plain = cluster.start("plain");
            String rogueOutcome = SecuritySupport.awaitLogLine(rogue, STARTUP_OUTCOME, OUTCOME);
            steps.step("node with a certificate from another CA: startup over (from launch)", t0);
            String plainOutcome = SecuritySupport.awaitLogLine(plain, STARTUP_OUTCOME, OUTCOME);
            steps.step("node without TLS: startup over (from launch)", t0);
            System.out.println("rogue: " + rogueOutcome);
            System.out.println("plain: " + plainOutcome);
            assertThat(rogueOutcome).as("rogue must not join").doesNotContain("joined the cluster");
            assertThat(plainOutcome).as("plain must not join").doesNotContain("joined the cluster");
            // the operator of a node that cannot join must learn why from its log (the product's message is
            // "node <name> could not join over TLS: ... (check tls.keystore / tls.truststore ...)")
            for (NodeProcess intruder : List.of(rogue, plain)) {
                String log = SecuritySupport.readLog(intruder);
                soft.assertThat(SecuritySupport.linesMatching(log, Pattern.compile("could not join over TLS|refused by the cluster|cannot join: the cluster .* uses TLS")))
                        .as("%s's log says why it could not join; its log:%n%s", intruder.name, log).isNotEmpty();
            }
            for (NodeProcess n : nodes) {
                assertThat(SecuritySupport.hubNodes(n)).as("hub:nodes default on %s with the intruders up", n.name)
                        .containsExactly("n1", "n2");
            }
            for (NodeProcess intruder : List.of(rogue, plain)) {
                String hubs = ClusterSecretTest.safeRun(intruder, "hub:hubs");
                System.out.println("hub:hubs on " + intruder.name + ": " + hubs);
                soft.assertThat(hubs).as("%s sees no other member", intruder.name).doesNotContain("nodes=2", "nodes=3");
            }

            // plaintext connections to a TLS node's discovery and transport ports get no usable answer
            t0 = System.nanoTime();
            NodeProcess n1 = nodes.get(0);
            int discovery = SecuritySupport.portIn(n1, cluster.discoveryPort, cluster.discoveryPort + NodeCluster.RANGE);
            InetSocketAddress transport = SecuritySupport.transportAddress(n1, Duration.ofSeconds(5));
            Random random = new Random(4711);
            byte[] garbage = new byte[512];
            random.nextBytes(garbage);
            byte[] igniteHeaderAndGarbage = new byte[64];
            random.nextBytes(igniteHeaderAndGarbage);
            System.arraycopy(new byte[] {0x00, 0x00, 0x47, 0x47}, 0, igniteHeaderAndGarbage, 0, 4);
            Map<String, SecuritySupport.Exchange> probes = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> port : Map.of("discovery", discovery, "transport", transport.getPort()).entrySet()) {
                probes.put(port.getKey() + " silent", SecuritySupport.exchange(port.getValue(), Duration.ZERO, null, Duration.ofMillis(1500)));
                probes.put(port.getKey() + " PHT1 hello", SecuritySupport.exchange(port.getValue(), Duration.ofMillis(300),
                        SecuritySupport.transportHello("mallory"), Duration.ofSeconds(15)));
                probes.put(port.getKey() + " random bytes", SecuritySupport.exchange(port.getValue(), Duration.ZERO, garbage, Duration.ofSeconds(15)));
                probes.put(port.getKey() + " ignite header + garbage", SecuritySupport.exchange(port.getValue(), Duration.ZERO,
                        igniteHeaderAndGarbage, Duration.ofSeconds(15)));
            }
            steps.step("plaintext probes of n1's discovery and transport ports", t0);
            probes.forEach((what, x) -> System.out.println("plaintext probe " + what + ": " + x.describe()));
            probes.forEach((what, x) -> {
                if (what.endsWith("silent")) {
                    soft.assertThat(x.received()).as("%s: a TLS server says nothing first (%s)", what, x.describe()).isEmpty();
                } else {
                    soft.assertThat(x.timedOut()).as("%s: the TLS node drops the plaintext connection (%s)", what, x.describe()).isFalse();
                    soft.assertThat(x.received().length == 0 || x.received()[0] == 0x15)
                            .as("%s: at most a TLS alert comes back (%s)", what, x.describe()).isTrue();
                }
            });

            // the cluster is unaffected: same members, same registry, calls work, a good certificate still joins
            t0 = System.nanoTime();
            for (NodeProcess n : nodes) {
                assertThat(SecuritySupport.hubNodes(n)).as("hub:nodes on %s after the probes", n.name).containsExactly("n1", "n2");
                assertThat(SecuritySupport.registry(n)).as("registry of %s after the intruders", n.name).isEqualTo(afterKill);
            }
            assertThat(nodes.get(1).runOne("hub:call default " + movedChild + " incr", CMD)).matches("\\d+");
            NodeProcess n4 = cluster.start("n4", tls(ca, "n4"));
            nodes.add(n4);
            SecuritySupport.awaitHubNodes(nodes, Set.of("n1", "n2", "n4"), FORM);
            Map<String, String> afterJoin = SecuritySupport.awaitConverged(nodes.get(0), nodes, ids, CONVERGE);
            steps.step("n4 with a good certificate joins and takes over its children (from launch)", t0);
            assertThat(afterJoin.values()).contains("n4");
            assertThat(afterJoin.values()).containsOnly("n1", "n2", "n4");

            // the intruders: nothing in the members' logs says they joined
            for (NodeProcess n : nodes) {
                String log = SecuritySupport.readLog(n);
                assertThat(log).as("log of %s", n.name).doesNotContain("node rogue joined", "node plain joined");
            }

            forgedBeaconAnswer(cluster, nodes, afterJoin, ids);
            soft.assertAll();
        } finally {
            steps.print("TlsClusterTest");
        }
    }

    /**
     * The merge beacon of a TLS node is a plaintext socket and, without a cluster secret, probes accept any
     * answer. Someone who has no certificate answers the members' probes on a free beacon port of the
     * configured range, claiming a larger cluster of the same name: the members must not leave theirs.
     */
    private void forgedBeaconAnswer(NodeCluster cluster, List<NodeProcess> nodes, Map<String, String> placement, Set<String> ids)
            throws Exception {
        long t0 = System.nanoTime();
        // what a plaintext probe of a member's beacon tells anyone
        NodeProcess n1 = nodes.get(0);
        int beaconBase = cluster.discoveryPort + 1000;
        int n1Beacon = SecuritySupport.portIn(n1, beaconBase, beaconBase + NodeCluster.RANGE);
        byte[] probe = new byte[20];
        new Random(1).nextBytes(probe);
        System.arraycopy(new byte[] {'P', 'H', 'B', '2'}, 0, probe, 0, 4);
        SecuritySupport.Exchange told = SecuritySupport.exchange(n1Beacon, Duration.ZERO, probe, Duration.ofSeconds(3));
        String toldText = new String(told.received(), java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", ".");
        System.out.println("plaintext beacon probe of n1: " + told.describe() + " = '" + toldText + "'");
        soft.assertThat(toldText).as("a plaintext probe of a TLS node's merge beacon (port %d) gets no usable answer, yet it "
                + "tells the cluster name, its oldest node id, size and discovery address: %s", n1Beacon, toldText)
                .doesNotContain("processhub");

        Set<Integer> taken = new java.util.HashSet<>();
        for (NodeProcess n : cluster.nodes) {
            if (n.process.isAlive()) taken.addAll(SecuritySupport.listeningPorts(n.pid()));
        }
        int fakePort = -1;
        for (int p = beaconBase; p <= beaconBase + NodeCluster.RANGE; p++) {
            if (!taken.contains(p) && !SecuritySupport.listening(p)) {
                fakePort = p;
                break;
            }
        }
        assertThat(fakePort).as("a free beacon port in the configured range").isPositive();
        int nowhere = NodeCluster.freeRange(1);
        Map<String, Long> logSizes = new HashMap<>();
        for (NodeProcess n : nodes) logSizes.put(n.name, SecuritySupport.logSize(n));
        AtomicInteger probesAnswered = new AtomicInteger();
        AtomicInteger probesSeen = new AtomicInteger(); // connections from the members, TLS or not
        AtomicBoolean stop = new AtomicBoolean();
        try (ServerSocket fake = new ServerSocket()) {
            fake.setReuseAddress(true);
            fake.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), fakePort), 50);
            Thread server = new Thread(() -> {
                while (!stop.get()) {
                    try (Socket s = fake.accept()) {
                        probesSeen.incrementAndGet();
                        s.setSoTimeout(2000);
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        if (in.readInt() != 0x50484232) continue;
                        in.readFully(new byte[16]);
                        DataOutputStream o = new DataOutputStream(s.getOutputStream());
                        o.writeInt(0x50484232);
                        o.writeBoolean(true);
                        o.writeUTF("processhub");
                        o.writeUTF("00000000-0000-0000-0000-000000000000");
                        o.writeInt(50);
                        o.writeUTF("127.0.0.1:" + nowhere);
                        o.writeShort(0);
                        o.flush();
                        probesAnswered.incrementAndGet();
                    } catch (Exception e) {
                        if (stop.get()) return;
                    }
                }
            }, "forged-beacon");
            server.setDaemon(true);
            server.start();
            // wait until the members (merge interval 1 s) have each probed the forged beacon several times
            // (or until one was lured: then the others get 5 s more to follow)
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long luredAt = 0;
            while (probesSeen.get() < 12 && System.nanoTime() < deadline
                    && (luredAt == 0 || System.nanoTime() - luredAt < 5_000_000_000L)) {
                if (luredAt == 0) {
                    for (NodeProcess n : nodes) {
                        if (SecuritySupport.logSince(n, logSizes.get(n.name)).contains("found another")) luredAt = System.nanoTime();
                    }
                }
                Thread.sleep(100);
            }
            steps.step("forged beacon saw " + probesSeen.get() + " probes, answered " + probesAnswered.get()
                    + " (a TLS node's probe is a TLS handshake the forger cannot answer)", t0);
            stop.set(true);
        }
        assertThat(probesSeen.get()).as("the members probed the forged beacon").isGreaterThanOrEqualTo(3);
        Pattern lured = Pattern.compile("found another 'processhub' cluster|rejoining it at|rejoin");
        for (NodeProcess n : nodes) {
            List<String> lines = SecuritySupport.linesMatching(SecuritySupport.logSince(n, logSizes.get(n.name)), lured);
            lines.forEach(l -> System.out.println(n.name + " after the forged beacon answer: " + l));
            soft.assertThat(lines).as("%s must not be lured out of its TLS cluster by a forged plaintext beacon answer "
                    + "(it has no certificate, yet the members believe it)", n.name).isEmpty();
        }
        // afterwards the cluster must be (or become again) whole
        long t1 = System.nanoTime();
        try {
            SecuritySupport.awaitHubNodes(nodes, Set.of("n1", "n2", "n4"), HEAL);
            Map<String, String> after = SecuritySupport.awaitConverged(nodes.get(0), nodes, ids, CONVERGE);
            steps.step("cluster whole again after the forged beacon", t1);
            soft.assertThat(after).as("placement after the forged beacon").isEqualTo(placement);
        } catch (AssertionError e) {
            steps.step("cluster NOT whole again after the forged beacon", t1);
            soft.fail("after the forged beacon answer the cluster did not become whole again: " + e.getMessage());
        }
    }

    private static String[] tls(Path dir, String node) {
        return new String[] {"processhub.tls.keystore=" + dir.resolve(node + ".p12"), "processhub.tls.keystore.password=" + PASSWORD,
                "processhub.tls.truststore=" + dir.resolve("truststore.p12"), "processhub.tls.truststore.password=" + PASSWORD,
                "processhub.merge.interval.ms=1000"};
    }
}
