package org.processhub.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Real network partitions: five node processes, each in its own network namespace of a {@link NetworkLab}
 * (a1, a2, a3 in group A; b1, b2 in group B), split 3/2 by downing the link between the groups and healed
 * by bringing it up. Divergence (the default): each side keeps running every child; after the heal the
 * sides merge and every child runs exactly once again. StaticQuorum (quorum.size=3): the 2-node side is
 * partitioned and runs nothing, the 3-node side keeps everything. Each step waits with a deadline and
 * prints how long it took.
 *
 * <p>The heal relies on the runtime re-forming one cluster (Ignite does not merge split clusters by itself:
 * the smaller side finds the larger through the merge beacon and rejoins it). While the smaller side's nodes
 * rejoin one after another they briefly see each other leave and restart each other's children; what that
 * leaves on nodes that do not own it is stopped or moved by the rebalance at each join and, failing that,
 * by the periodic repair once the members are stable. A failure message lists the children that still run
 * twice.
 */
class PartitionTest {
    static final int CHILDREN = 300;
    static final int DISCOVERY_PORT = 48500;
    static final int DISCOVERY_RANGE = 2;
    static final int COMMUNICATION_PORT = 48100;
    static final Duration FORM = Duration.ofSeconds(180);
    static final Duration CONVERGE = Duration.ofSeconds(120);
    static final Duration SPLIT = Duration.ofSeconds(120);
    static final Duration HEAL = Duration.ofSeconds(120);
    static final Duration PROBE = Duration.ofSeconds(2);
    final HubChecks.Timings timings = new HubChecks.Timings();

    @Test
    void divergenceEachSideRunsEveryChildAndAfterTheHealEachRunsOnceAgain() throws Exception {
        assumeTrue(NetworkLab.available(), () -> "network namespaces not available: " + NetworkLab.unavailableReason());
        try (NetworkLab lab = NetworkLab.create(NetworkLab.runId("div"), 3, 2);
             NodeCluster cluster = new NodeCluster("partition-divergence")) {
            System.out.println(lab);
            Nodes n = startNodes(lab, cluster, false);
            Map<String, String> placement = formAndStartChildren(lab, n);

            long cut = split(lab, n);
            Map<String, String> sideA = awaitSideConverged(n.a, placement);
            timings.step("cut: side A runs all " + CHILDREN + " children once, registries agree (from the cut)", cut);
            Map<String, String> sideB = awaitSideConverged(n.b, placement);
            timings.step("cut: side B runs all " + CHILDREN + " children once, registries agree (from the cut)", cut);
            assertThat(sideA.values()).as("side A runs its children on A nodes").allMatch(n.aNames::contains);
            assertThat(sideB.values()).as("side B runs its children on B nodes").allMatch(n.bNames::contains);
            placement.forEach((child, node) -> {
                if (n.aNames.contains(node)) assertThat(sideA.get(child)).as("%s stays on side A where it was", child).isEqualTo(node);
                if (n.bNames.contains(node)) assertThat(sideB.get(child)).as("%s stays on side B where it was", child).isEqualTo(node);
            });
            System.out.println("split: side A per node " + perNode(sideA) + ", side B per node " + perNode(sideB));

            heal(lab, n);
            awaitOneClusterAgain(n);
            long t0 = System.nanoTime();
            Map<String, String> merged = HubChecks.awaitConverged(n.all, CHILDREN, CONVERGE);
            timings.step("heal: every child runs exactly once cluster-wide, all registries agree", t0);
            assertThat(merged.values()).allMatch(n.allNames::contains);
            System.out.println("merged: per node " + perNode(merged));
        } finally {
            System.out.println("divergence " + timings);
        }
    }

    @Test
    void staticQuorumTheMinorityStopsAndRefusesStartsTheMajorityKeepsEverything() throws Exception {
        assumeTrue(NetworkLab.available(), () -> "network namespaces not available: " + NetworkLab.unavailableReason());
        try (NetworkLab lab = NetworkLab.create(NetworkLab.runId("quorum"), 3, 2);
             NodeCluster cluster = new NodeCluster("partition-quorum")) {
            System.out.println(lab);
            Nodes n = startNodes(lab, cluster, true);
            long t0 = System.nanoTime();
            awaitStaticQuorumBound(n.all);
            timings.step("static-quorum bound on every node (from launch)", t0);
            Map<String, String> placement = formAndStartChildren(lab, n);
            for (NodeProcess p : n.all) {
                assertThat(NodeCluster.status(p.run("hub:status default", NodeCluster.CMD)).get("partitioned"))
                        .as("%s before the cut", p.name).isEqualTo("false");
            }

            long cut = split(lab, n);
            awaitStatus(n.b, s -> "true".equals(s.get("partitioned")) && "0".equals(s.get("children.local")), SPLIT,
                    "partitioned: true and children.local: 0");
            timings.step("cut: the minority (b1, b2) is partitioned and runs no children (from the cut)", cut);
            for (NodeProcess p : n.b) {
                String out = p.runOne("hub:start default x-" + p.name + " counter", NodeCluster.CMD);
                assertThat(out).as("a start on minority node %s", p.name).startsWith("error: ").containsIgnoringCase("partitioned");
            }
            Map<String, String> sideA = awaitSideConverged(n.a, placement);
            timings.step("cut: the majority (a1..a3) runs all " + CHILDREN + " children once, registries agree (from the cut)", cut);
            assertThat(sideA.values()).allMatch(n.aNames::contains);
            for (NodeProcess p : n.a) {
                assertThat(NodeCluster.status(p.run("hub:status default", NodeCluster.CMD)).get("partitioned"))
                        .as("majority node %s", p.name).isEqualTo("false");
            }

            heal(lab, n);
            awaitOneClusterAgain(n);
            t0 = System.nanoTime();
            awaitStatus(n.all, s -> "false".equals(s.get("partitioned")), HEAL, "partitioned: false");
            timings.step("heal: no node is partitioned", t0);
            t0 = System.nanoTime();
            Map<String, String> merged = HubChecks.awaitConverged(n.all, CHILDREN, CONVERGE);
            timings.step("heal: every child runs exactly once cluster-wide, all registries agree", t0);
            assertThat(merged.values()).allMatch(n.allNames::contains);
            System.out.println("merged: per node " + perNode(merged));
        } finally {
            System.out.println("static quorum " + timings);
        }
    }

    // ---- steps shared by both scenarios

    /** The node processes by side. */
    record Nodes(List<NodeProcess> all, List<NodeProcess> a, List<NodeProcess> b, List<String> allNames,
            List<String> aNames, List<String> bNames) {}

    /**
     * Starts one node per lab host, inside the host's namespace, bound to its address; every node lists
     * every host's discovery ports. With {@code quorum} each node's config folder selects static-quorum
     * (quorum.size=3) for hub {@code default}.
     */
    private Nodes startNodes(NetworkLab lab, NodeCluster cluster, boolean quorum) throws Exception {
        String discovery = lab.hosts().stream()
                .map(h -> h.address() + ":" + DISCOVERY_PORT + ".." + (DISCOVERY_PORT + DISCOVERY_RANGE))
                .collect(Collectors.joining(","));
        List<NodeProcess> all = new ArrayList<>();
        List<NodeProcess> a = new ArrayList<>();
        List<NodeProcess> b = new ArrayList<>();
        for (NetworkLab.Host h : lab.hosts()) {
            if (quorum) {
                Path etc = Files.createDirectories(cluster.workDir.resolve(h.name()).resolve("etc"));
                Files.writeString(etc.resolve("org.processhub.hub-default.cfg"),
                        "hub.id=default\npartitionTolerance.target=(processhub.strategy.name=static-quorum)\n");
                Files.writeString(etc.resolve("org.processhub.strategy.quorum.static-default.cfg"), "quorum.size=3\n");
            }
            NodeProcess p = cluster.start(h.name(), h.prefix(), List.of(
                    "processhub.local.address=" + h.address(),
                    "processhub.discovery.port=" + DISCOVERY_PORT,
                    "processhub.discovery.port.range=" + DISCOVERY_RANGE,
                    "processhub.discovery.addresses=" + discovery,
                    "processhub.communication.port=" + COMMUNICATION_PORT,
                    "processhub.failure.detection.timeout=2000",
                    // nodes bound to a non-loopback address must authenticate each other
                    "processhub.secret=partition-test-cluster-secret",
                    "java.net.preferIPv4Stack=true"));
            all.add(p);
            (h.group() == 'A' ? a : b).add(p);
        }
        return new Nodes(all, a, b, HubChecks.names(all), HubChecks.names(a), HubChecks.names(b));
    }

    /** All five form one hub; 300 children started from a1 run once and every registry agrees. */
    private Map<String, String> formAndStartChildren(NetworkLab lab, Nodes n) throws Exception {
        long t0 = System.nanoTime();
        HubChecks.awaitMembers(n.all, n.all.size(), FORM);
        HubChecks.awaitMemberNames(n.all, n.allNames, FORM);
        timings.step(n.all.size() + " nodes in 5 namespaces form the hub", t0);
        assertThat(lab.reachable(lab.host("a1"), lab.host("b1"), PROBE)).as("a1 reaches b1 before the cut").isTrue();

        t0 = System.nanoTime();
        List<String> out = n.a.get(0).run("hub:startmany default c " + CHILDREN + " counter", NodeCluster.CMD);
        assertThat(out.get(out.size() - 1)).startsWith("started " + CHILDREN + " of " + CHILDREN + " in ");
        timings.step("startmany " + CHILDREN + " from a1 (" + out.get(out.size() - 1) + ")", t0);
        t0 = System.nanoTime();
        Map<String, String> placement = HubChecks.awaitConverged(n.all, CHILDREN, CONVERGE);
        timings.step("every registry has all " + CHILDREN + " children", t0);
        System.out.println("before the cut: per node " + perNode(placement));
        assertThat(placement.values()).allMatch(n.allNames::contains);
        return placement;
    }

    /**
     * Cuts the link between the groups, waits until each side sees only itself, then proves the split with
     * probes. Returns the time of the cut ({@link System#nanoTime}); the steps are timed from it.
     */
    private long split(NetworkLab lab, Nodes n) throws Exception {
        long cut = System.nanoTime();
        lab.cut();
        try {
            HubChecks.awaitMemberNames(n.a, n.aNames, SPLIT);
            timings.step("cut: a1..a3 see only side A (from the cut)", cut);
            HubChecks.awaitMemberNames(n.b, n.bNames, SPLIT);
            timings.step("cut: b1, b2 see only side B (from the cut)", cut);
        } catch (AssertionError e) {
            dump(n.all);
            throw e;
        }
        long t0 = System.nanoTime();
        assertThat(lab.reachable(lab.host("a1"), lab.host("b1"), PROBE)).as("a1 reaches b1 after the cut").isFalse();
        assertThat(lab.reachable(lab.host("b2"), lab.host("a3"), PROBE)).as("b2 reaches a3 after the cut").isFalse();
        assertThat(lab.reachable(lab.host("a1"), lab.host("a3"), PROBE)).as("a1 reaches a3 after the cut").isTrue();
        assertThat(lab.reachable(lab.host("b1"), lab.host("b2"), PROBE)).as("b1 reaches b2 after the cut").isTrue();
        timings.step("cut: 4 probes confirm the A/B split (2 wait out their 2 s timeout)", t0);
        return cut;
    }

    /** Brings the link up and waits until the probes get through again. */
    private void heal(NetworkLab lab, Nodes n) throws Exception {
        long t0 = System.nanoTime();
        lab.heal();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!lab.reachable(lab.host("a1"), lab.host("b1"), PROBE)) {
            assertThat(System.nanoTime()).as("a1 reaches b1 within 30 s of the heal").isLessThan(deadline);
        }
        assertThat(lab.reachable(lab.host("b2"), lab.host("a3"), PROBE)).as("b2 reaches a3 after the heal").isTrue();
        timings.step("heal: link up, probes get through", t0);
    }

    /**
     * After the heal: every node sees all five members again. Needs the runtime's merge of split clusters;
     * on failure the message carries what each node sees.
     */
    private void awaitOneClusterAgain(Nodes n) throws Exception {
        long t0 = System.nanoTime();
        try {
            HubChecks.awaitMemberNames(n.all, n.allNames, HEAL);
        } catch (AssertionError e) {
            dump(n.all);
            throw new AssertionError("after the heal the two sides did not re-form one cluster (this needs the runtime's"
                    + " merge of split clusters): " + e.getMessage(), e);
        }
        timings.step("heal: all " + n.all.size() + " nodes see " + n.all.size() + " members again", t0);
    }

    /**
     * {@link HubChecks#awaitConverged} for one side of the split; if it fails, the message says which
     * children that side lost, where they ran before the cut, and what each registry of the side has for them.
     */
    private static Map<String, String> awaitSideConverged(List<NodeProcess> side, Map<String, String> before) throws Exception {
        try {
            return HubChecks.awaitConverged(side, CHILDREN, CONVERGE);
        } catch (AssertionError e) {
            StringBuilder b = new StringBuilder(e.getMessage());
            try {
                Map<String, List<String>> running = HubChecks.globalRows(side.get(0));
                List<String> lost = before.keySet().stream().filter(c -> !running.containsKey(c)).sorted().toList();
                Map<String, Long> lostFrom = lost.stream().collect(Collectors.groupingBy(before::get, TreeMap::new, Collectors.counting()));
                b.append("; not running on this side: ").append(lost.size()).append(" children, before the cut on ").append(lostFrom);
                Map<String, Map<String, String>> registries = new LinkedHashMap<>();
                for (NodeProcess p : side) {
                    Map<String, String> rows = new TreeMap<>();
                    for (String l : p.run("hub:ps default", NodeCluster.CMD)) {
                        String[] parts = l.split(" ", 2);
                        if (parts.length == 2) rows.put(parts[0], parts[1]);
                    }
                    registries.put(p.name, rows);
                    b.append("; ").append(p.name).append(" registry has ").append(rows.size()).append(" rows");
                }
                lost.stream().limit(8).forEach(c -> {
                    b.append("; ").append(c).append(" (was on ").append(before.get(c)).append(") in registries:");
                    registries.forEach((node, rows) -> b.append(' ').append(node).append('=').append(rows.getOrDefault(c, "none")));
                });
                for (NodeProcess p : side) {
                    List<String> log = Files.readAllLines(p.log).stream()
                            .filter(l -> l.contains("failed; members") || l.contains("restarting") || l.contains("left; members")).toList();
                    b.append("; ").append(p.name).append(" log: ").append(log.stream().skip(Math.max(0, log.size() - 8))
                            .map(l -> l.replaceFirst("^\\S+T(\\S+)Z \\S+ processhub.runtime: hub default: ", "$1 "))
                            .collect(Collectors.joining(" | ")));
                }
            } catch (Exception | AssertionError x) {
                b.append("; (no details: ").append(x.getMessage()).append(')');
            }
            throw new AssertionError(b.toString(), e);
        }
    }

    /** Fails with a clear message unless hub {@code default} on every node has static-quorum bound. */
    private static void awaitStaticQuorumBound(List<NodeProcess> nodes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (NodeProcess p : nodes) {
            List<String> last;
            while (true) {
                last = p.run("hub:status default", NodeCluster.CMD);
                String pt = NodeCluster.status(last).get("strategy.partitionTolerance");
                if (pt != null && pt.startsWith("static-quorum(")) {
                    assertThat(pt).as("%s: static-quorum options", p.name).contains("quorum.size=3");
                    break;
                }
                if (System.nanoTime() > deadline) {
                    List<String> strategyBundles = p.run("lb -s", NodeCluster.CMD).stream()
                            .filter(l -> l.toLowerCase().contains("strateg") || l.toLowerCase().contains("quorum")).toList();
                    throw new AssertionError(p.name + ": hub 'default' does not have the static-quorum partition tolerance"
                            + " strategy bound within 90 s (is the quorum strategy bundle in processhub.jar, and does it read"
                            + " org.processhub.strategy.quorum.static-default.cfg?); hub:status default says: " + last
                            + "; strategy bundles (lb -s): " + strategyBundles);
                }
                Thread.sleep(500);
            }
        }
    }

    /** Waits until {@code hub:status default} on each node satisfies the condition. */
    private static void awaitStatus(List<NodeProcess> nodes, java.util.function.Predicate<Map<String, String>> ok, Duration timeout,
            String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (NodeProcess p : nodes) {
            Map<String, String> s;
            while (!ok.test(s = NodeCluster.status(p.run("hub:status default", NodeCluster.CMD)))) {
                if (System.nanoTime() > deadline) {
                    dump(nodes);
                    throw new AssertionError(p.name + ": hub:status default never showed " + what + " within " + timeout + "; last: " + s);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Prints what each node sees: members and status (for the report when a wait fails). */
    private static void dump(List<NodeProcess> nodes) {
        for (NodeProcess p : nodes) {
            try {
                Map<String, String> s = NodeCluster.status(p.run("hub:status default", Duration.ofSeconds(40)));
                List<String> global = p.run("hub:ps --global default", NodeCluster.CMD);
                System.out.println("state of " + p.name + ": hub:nodes default = " + HubChecks.memberNames(p)
                        + "; partitioned=" + s.get("partitioned") + " children.local=" + s.get("children.local")
                        + " children.registry=" + s.get("children.registry") + " alive=" + s.get("alive")
                        + "; hub:ps --global default: " + global.size() + " rows"
                        + (global.isEmpty() ? "" : " (first: " + global.get(0) + ")"));
            } catch (Exception | AssertionError e) {
                System.out.println("state of " + p.name + ": no answer (" + e.getMessage() + ")");
            }
        }
    }

    private static Map<String, Long> perNode(Map<String, String> placement) {
        return placement.values().stream().collect(Collectors.groupingBy(v -> v, TreeMap::new, Collectors.counting()));
    }
}
