package org.processhub.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.processhub.systest.ShellSupport.awaitConverged;
import static org.processhub.systest.ShellSupport.awaitMembers;
import static org.processhub.systest.ShellSupport.awaitStatus;
import static org.processhub.systest.ShellSupport.ids;
import static org.processhub.systest.ShellSupport.parsePlacement;
import static org.processhub.systest.ShellSupport.startWithConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The quorum partition tolerance strategies on real node processes: each scenario crosses its threshold
 * both ways. Losing the quorum (kill -9 of a member) makes every survivor partitioned: its children stop,
 * its registry rows stay and starts are refused. A new node that brings the quorum back heals them: the
 * children run again, every one of them exactly once.
 */
class QuorumTest {
    static final int CHILDREN = 200;
    static final Set<String> ALL = ids("c", CHILDREN);
    static final Duration WAIT = Duration.ofSeconds(90);
    final Map<String, Long> timings = new LinkedHashMap<>();

    @AfterEach
    void printTimings() {
        System.out.println("timings (ms): " + timings);
    }

    /** StaticQuorum quorum.size=3: 3 nodes fine; kill one → 2 &lt; 3 partitioned; a new node → 3, healed. */
    @Test
    void staticQuorumPartitionsBelowQuorumSizeAndHealsWhenANodeJoins() throws Exception {
        Map<String, String> files = config("static-quorum", "org.processhub.strategy.quorum.static-default.cfg", "quorum.size=3\n");
        try (NodeCluster cluster = new NodeCluster("quorum-static")) {
            List<NodeProcess> nodes = startNodes(cluster, files, "s1", "s2", "s3");
            Map<String, String> placement = formAndStart(nodes, "static-quorum(", "quorum.size=3");

            NodeProcess victim = nodes.remove(2);
            killAndExpectPartitioned(victim, nodes, placement);

            long t0 = System.nanoTime();
            NodeProcess s4 = startWithConfig(cluster, "s4", files);
            nodes.add(s4);
            awaitHealed(nodes, 3, placement, victim.name, t0);
        }
    }

    /**
     * DynamicQuorum quorum.size=60, threshold.time=3600: 4 nodes; kill one → 3 members + 1 down = 75 % ≥ 60,
     * still running; kill another → 2 + 2 = 50 % &lt; 60, partitioned; a new node → 3 + 2 = 60 %, healed.
     */
    @Test
    void dynamicQuorumCountsRecentlyLostNodesAndHealsWhenANodeJoins() throws Exception {
        Map<String, String> files = config("dynamic-quorum", "org.processhub.strategy.quorum.dynamic-default.cfg",
                "quorum.size=60\nthreshold.time=3600\n");
        try (NodeCluster cluster = new NodeCluster("quorum-dynamic")) {
            List<NodeProcess> nodes = startNodes(cluster, files, "d1", "d2", "d3", "d4");
            Map<String, String> placement = formAndStart(nodes, "dynamic-quorum(", "quorum.size=60", "threshold.time=3600");

            placement = killAndExpectStillRunning(nodes.remove(3), nodes, placement, "3 members + 1 down = 75% >= 60%");

            NodeProcess victim = nodes.remove(2);
            killAndExpectPartitioned(victim, nodes, placement);

            long t0 = System.nanoTime();
            NodeProcess d5 = startWithConfig(cluster, "d5", files);
            nodes.add(d5);
            awaitHealed(nodes, 3, placement, victim.name, t0);
        }
    }

    /**
     * MajorityQuorum initial.cluster.size=1, track.max.size=true: 4 nodes seen → 3 needed; kill one → 3,
     * running; kill another → 2, partitioned; a new node → 3, healed.
     */
    @Test
    void majorityQuorumNeedsAMajorityOfTheLargestClusterSeen() throws Exception {
        Map<String, String> files = config("majority-quorum", "org.processhub.strategy.quorum.majority-default.cfg",
                "initial.cluster.size=1\ntrack.max.size=true\n");
        try (NodeCluster cluster = new NodeCluster("quorum-majority")) {
            List<NodeProcess> nodes = startNodes(cluster, files, "m1", "m2", "m3", "m4");
            Map<String, String> placement = formAndStart(nodes, "majority-quorum(", "initial.cluster.size=1", "track.max.size=true");

            placement = killAndExpectStillRunning(nodes.remove(3), nodes, placement, "3 of max 4 seen >= 4/2+1");

            NodeProcess victim = nodes.remove(2);
            killAndExpectPartitioned(victim, nodes, placement);

            long t0 = System.nanoTime();
            NodeProcess m5 = startWithConfig(cluster, "m5", files);
            nodes.add(m5);
            awaitHealed(nodes, 3, placement, victim.name, t0);
        }
    }

    // ---------------------------------------------------------------- steps

    private static Map<String, String> config(String strategy, String strategyFile, String strategyOptions) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("org.processhub.hub-default.cfg", "hub.id=default\npartitionTolerance.target=(processhub.strategy.name=" + strategy + ")\n");
        files.put(strategyFile, strategyOptions);
        return files;
    }

    private List<NodeProcess> startNodes(NodeCluster cluster, Map<String, String> files, String... names) throws Exception {
        List<NodeProcess> nodes = new ArrayList<>();
        for (String n : names) nodes.add(startWithConfig(cluster, n, files));
        return nodes;
    }

    /** Waits for the hub to form with the strategy bound, starts the children and waits until they all run once. */
    private Map<String, String> formAndStart(List<NodeProcess> nodes, String strategyPrefix, String... options) throws Exception {
        long t0 = System.nanoTime();
        awaitMembers(nodes, nodes.size(), Duration.ofSeconds(120));
        step(nodes.size() + " nodes form the hub (from launch)", t0);
        for (NodeProcess n : nodes) {
            Map<String, String> s = ShellSupport.status(n);
            assertThat(s.get("strategy.partitionTolerance")).as("%s's partition tolerance strategy", n.name)
                    .startsWith(strategyPrefix).contains(options);
            assertThat(s.get("partitioned")).as("%s partitioned", n.name).isEqualTo("false");
            assertThat(s.get("strategy.mismatch")).as("%s strategy mismatch", n.name).isEqualTo("none");
        }
        t0 = System.nanoTime();
        List<String> out = nodes.get(0).run("hub:startmany default c " + CHILDREN + " counter", NodeCluster.CMD);
        assertThat(out.get(out.size() - 1)).startsWith("started " + CHILDREN + " of " + CHILDREN + " in ");
        Map<String, String> placement = awaitConverged(nodes.get(0), nodes, ALL, WAIT);
        step("startmany " + CHILDREN + " and every registry has them", t0);
        assertThat(Set.copyOf(placement.values())).as("children on every node")
                .containsExactlyInAnyOrderElementsOf(nodes.stream().map(n -> n.name).toList());
        return placement;
    }

    /** kill -9 of a node that leaves the quorum intact: the survivors run all children, its ones included. */
    private Map<String, String> killAndExpectStillRunning(NodeProcess victim, List<NodeProcess> survivors,
            Map<String, String> placement, String why) throws Exception {
        long t0 = System.nanoTime();
        victim.kill9();
        awaitMembers(survivors, survivors.size(), WAIT);
        step("kill -9 " + victim.name + " noticed (" + why + ")", t0);
        Map<String, Map<String, String>> st = awaitStatus(survivors, "not partitioned", WAIT, s -> "false".equals(s.get("partitioned")));
        Map<String, String> after = awaitConverged(survivors.get(0), survivors, ALL, WAIT);
        step("kill -9 " + victim.name + ": its children run on the survivors", t0);
        st.forEach((n, s) -> assertThat(s.get("partitioned")).as("%s partitioned after %s died (%s)", n, victim.name, why).isEqualTo("false"));
        assertThat(after.values()).doesNotContain(victim.name);
        placement.forEach((child, node) -> {
            if (!node.equals(victim.name)) assertThat(after.get(child)).as("%s stays where it was", child).isEqualTo(node);
        });
        return after;
    }

    /**
     * kill -9 of a node that takes the quorum away: every survivor becomes partitioned, stops its children,
     * keeps its registry rows and refuses starts.
     */
    private void killAndExpectPartitioned(NodeProcess victim, List<NodeProcess> survivors, Map<String, String> placement)
            throws Exception {
        long t0 = System.nanoTime();
        victim.kill9();
        awaitStatus(survivors, "partitioned", WAIT, s -> "true".equals(s.get("partitioned")));
        step("kill -9 " + victim.name + ": survivors partitioned", t0);
        Map<String, Map<String, String>> st = awaitStatus(survivors, "partitioned with no local children", WAIT,
                s -> "true".equals(s.get("partitioned")) && "0".equals(s.get("children.local")));
        step("kill -9 " + victim.name + ": survivors stopped their children", t0);
        Set<String> survivorNames = survivors.stream().map(n -> n.name).collect(Collectors.toSet());
        Map<String, String> survivorRows = placement.entrySet().stream().filter(e -> survivorNames.contains(e.getValue()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        for (NodeProcess n : survivors) {
            Map<String, String> s = st.get(n.name);
            assertThat(s.get("nodes")).as("%s members", n.name).isEqualTo(String.valueOf(survivors.size()));
            Map<String, String> registry = parsePlacement(n.run("hub:ps default", NodeCluster.CMD));
            assertThat(registry).as("%s's registry keeps the rows of the stopped children", n.name).containsAllEntriesOf(survivorRows);
            assertThat(n.runOne("hub:start default extra counter", NodeCluster.CMD)).as("start on partitioned %s", n.name)
                    .startsWith("error:").contains("partitioned");
            assertThat(n.runOne("hub:stop default " + survivorRows.keySet().iterator().next(), NodeCluster.CMD))
                    .as("stop on partitioned %s", n.name).startsWith("error:").contains("partitioned");
            System.out.printf("%s partitioned: registry %d rows (%d of them the survivors' children, %d were on %s)%n", n.name,
                    registry.size(), survivorRows.size(), placement.values().stream().filter(victim.name::equals).count(), victim.name);
        }
        assertThat(ShellSupport.parsePlacement(survivors.get(0).run("hub:ps --global default", NodeCluster.CMD)))
                .as("nothing runs on the partitioned side").isEmpty();
    }

    /** A new node brings the quorum back: nobody partitioned, every child runs again exactly once. */
    private void awaitHealed(List<NodeProcess> nodes, int members, Map<String, String> before, String lostNode, long t0)
            throws Exception {
        awaitMembers(nodes, members, Duration.ofSeconds(120));
        step(nodes.get(nodes.size() - 1).name + " joins (from launch)", t0);
        awaitStatus(nodes, "not partitioned", WAIT, s -> "false".equals(s.get("partitioned")));
        step("quorum back: nobody partitioned", t0);
        NodeProcess newcomer = nodes.get(nodes.size() - 1);
        Map<String, String> after;
        try {
            after = awaitConverged(newcomer, nodes, ALL, WAIT);
        } catch (AssertionError e) {
            Map<String, String> running = parsePlacement(newcomer.run("hub:ps --global default", NodeCluster.CMD));
            long lostOnes = before.entrySet().stream().filter(x -> x.getValue().equals(lostNode))
                    .filter(x -> running == null || !running.containsKey(x.getKey())).count();
            long lostOthers = before.entrySet().stream().filter(x -> !x.getValue().equals(lostNode))
                    .filter(x -> running == null || !running.containsKey(x.getKey())).count();
            throw new AssertionError(e.getMessage() + " — of the missing children " + lostOnes + " ran on " + lostNode
                    + " (killed while the quorum was lost) and " + lostOthers + " on the partitioned survivors", e);
        }
        step("healed: all " + CHILDREN + " children run exactly once and registries agree", t0);
        assertThat(after.values()).doesNotContain(lostNode);
    }

    private void step(String what, long t0) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        timings.put(what, ms);
        System.out.println("step: " + what + ": " + ms + " ms");
    }
}
