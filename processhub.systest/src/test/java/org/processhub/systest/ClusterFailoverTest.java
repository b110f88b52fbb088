package org.processhub.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three, then four, real node processes from the exported jar: 3000 children started from one node run
 * exactly once and every registry has them; kill -9 of a node restarts its children on the survivors; a
 * new node receives exactly the children it now owns; SIGTERM moves a node's children with no loss.
 * Every step waits on convergence with a deadline and prints how long it took.
 */
class ClusterFailoverTest {
    static final int CHILDREN = 3000;
    static final Duration CONVERGE = Duration.ofSeconds(60);
    final Map<String, Long> timings = new LinkedHashMap<>();

    @Test
    void startKillJoinAndGracefulStopKeepEveryChildRunningExactlyOnce() throws Exception {
        try (NodeCluster cluster = new NodeCluster("failover")) {
            List<NodeProcess> nodes = new ArrayList<>();
            for (String n : List.of("n1", "n2", "n3")) nodes.add(cluster.start(n));
            long t0 = System.nanoTime();
            awaitMembers(nodes, 3);
            step("3 nodes form the hub (from launch)", t0);

            t0 = System.nanoTime();
            List<String> out = nodes.get(0).run("hub:startmany default c " + CHILDREN + " counter", NodeCluster.CMD);
            assertThat(out.get(out.size() - 1)).startsWith("started " + CHILDREN + " of " + CHILDREN + " in ");
            step("startmany " + CHILDREN + " from n1 (" + out.get(out.size() - 1) + ")", t0);
            t0 = System.nanoTime();
            Map<String, String> placement = awaitConverged(nodes);
            step("every registry has all children", t0);
            assertThat(placement.values()).containsOnly("n1", "n2", "n3");
            // a call from any node reaches the child wherever it runs
            String onN3 = placement.entrySet().stream().filter(e -> e.getValue().equals("n3")).findFirst().orElseThrow().getKey();
            assertThat(nodes.get(0).runOne("hub:call default " + onN3 + " incr", NodeCluster.CMD)).isEqualTo("1");

            // kill -9 of n3: its children run again on n1 and n2
            NodeProcess n3 = nodes.remove(2);
            t0 = System.nanoTime();
            n3.kill9();
            awaitMembers(nodes, 2);
            step("kill -9 n3 noticed by the survivors", t0);
            Map<String, String> afterKill = awaitConverged(nodes);
            step("kill -9 n3: all its children run again on n1, n2", t0);
            assertThat(afterKill.values()).containsOnly("n1", "n2");
            placement.forEach((child, node) -> {
                if (!node.equals("n3")) assertThat(afterKill.get(child)).as("%s stays where it was", child).isEqualTo(node);
            });

            // a 4th node joins: only the children it now owns move, all of them to it
            t0 = System.nanoTime();
            NodeProcess n4 = cluster.start("n4");
            nodes.add(n4);
            awaitMembers(nodes, 3);
            step("n4 joins (from launch)", t0);
            t0 = System.nanoTime();
            Map<String, String> afterJoin = awaitConverged(nodes);
            step("n4 join: children moved and registries agree", t0);
            int moved = 0;
            for (Map.Entry<String, String> e : afterJoin.entrySet()) {
                if (!e.getValue().equals(afterKill.get(e.getKey()))) {
                    assertThat(e.getValue()).as("%s moved, so to the new node", e.getKey()).isEqualTo("n4");
                    moved++;
                }
            }
            System.out.printf("join moved %d of %d children (%.3f; ideal 1/3 = 0.333)%n", moved, CHILDREN, (double) moved / CHILDREN);
            assertThat(moved).isBetween(CHILDREN / 3 - 300, CHILDREN / 3 + 300);

            // SIGTERM of n2: it hands its children over and leaves; nothing is lost
            NodeProcess n2 = nodes.remove(1);
            t0 = System.nanoTime();
            assertThat(n2.terminate(Duration.ofSeconds(60))).as("n2 exits after SIGTERM").isTrue();
            step("SIGTERM n2: process exited", t0);
            Map<String, String> afterStop = awaitConverged(nodes);
            step("SIGTERM n2: its children run on n1, n4", t0);
            assertThat(afterStop.values()).containsOnly("n1", "n4");
            assertThat(java.nio.file.Files.readString(n2.log)).contains("graceful stop of n2");
            String n1log = java.nio.file.Files.readString(nodes.get(0).log);
            assertThat(n1log).contains("node n2 left").doesNotContain("node n2 failed");
        } finally {
            System.out.println("timings (ms): " + timings);
        }
    }

    private void step(String what, long t0) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        timings.put(what, ms);
        System.out.println("step: " + what + ": " + ms + " ms");
    }

    /** Waits until every node's hub lists {@code n} members. */
    private static void awaitMembers(List<NodeProcess> nodes, int n) throws Exception {
        HubChecks.awaitMembers(nodes, n, Duration.ofSeconds(120));
    }

    /**
     * Waits until every child runs on exactly one node and every node's registry has all of them at the
     * same place; returns child → node.
     */
    private static Map<String, String> awaitConverged(List<NodeProcess> nodes) throws Exception {
        return HubChecks.awaitConverged(nodes, CHILDREN, CONVERGE);
    }
}
