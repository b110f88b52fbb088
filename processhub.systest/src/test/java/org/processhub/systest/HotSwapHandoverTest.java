package org.processhub.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.processhub.systest.ShellSupport.awaitConverged;
import static org.processhub.systest.ShellSupport.awaitMembers;
import static org.processhub.systest.ShellSupport.callAll;
import static org.processhub.systest.ShellSupport.head;
import static org.processhub.systest.ShellSupport.ids;
import static org.processhub.systest.ShellSupport.startWithConfig;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Hot-swap migration with handover on real node processes: 1000 counters, each with its own count, keep
 * their counts when a third node joins (a third of them move to it) and when one of the original nodes
 * stops gracefully (SIGTERM: it hands its children to the others). Every step waits on convergence with a
 * deadline and prints how long it took.
 */
class HotSwapHandoverTest {
    static final int CHILDREN = 1000;
    static final Set<String> ALL = ids("c", CHILDREN);
    static final Duration WAIT = Duration.ofSeconds(90);
    static final Duration BULK = Duration.ofSeconds(120);
    final Map<String, Long> timings = new LinkedHashMap<>();

    @Test
    void countersKeepTheirCountsWhenANodeJoinsAndWhenANodeStopsGracefully() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("org.processhub.hub-default.cfg", "hub.id=default\nmigration.target=(processhub.strategy.name=hotswap)\n");
        files.put("org.processhub.strategy.hotswap-default.cfg", "handover=true\nretention=5000\n");
        try (NodeCluster cluster = new NodeCluster("hotswap-handover")) {
            List<NodeProcess> nodes = new ArrayList<>();
            for (String n : List.of("h1", "h2")) nodes.add(startWithConfig(cluster, n, files));
            long t0 = System.nanoTime();
            awaitMembers(nodes, 2, Duration.ofSeconds(120));
            step("2 nodes form the hub (from launch)", t0);
            for (NodeProcess n : nodes) assertHotSwapBound(n);

            t0 = System.nanoTime();
            List<String> out = nodes.get(0).run("hub:startmany default c " + CHILDREN + " counter", NodeCluster.CMD);
            assertThat(out.get(out.size() - 1)).startsWith("started " + CHILDREN + " of " + CHILDREN + " in ");
            Map<String, String> placement = awaitConverged(nodes.get(0), nodes, ALL, WAIT);
            step("startmany " + CHILDREN + " and every registry has them", t0);

            // child ci counts to i + 1 (add), and every 7th one gets one incr more: distinct counts everywhere
            t0 = System.nanoTime();
            Map<String, String> adds = new TreeMap<>();
            Map<String, String> incrs = new TreeMap<>();
            Map<String, String> expected = new TreeMap<>();
            for (int i = 0; i < CHILDREN; i++) {
                adds.put("c" + i, "add " + (i + 1));
                if (i % 7 == 0) incrs.put("c" + i, "incr");
                expected.put("c" + i, String.valueOf(i + 1 + (i % 7 == 0 ? 1 : 0)));
            }
            Map<String, String> added = callAll(nodes.get(1), adds, BULK);
            Map<String, String> incremented = callAll(nodes.get(0), incrs, BULK);
            step("set the counts (" + adds.size() + " add + " + incrs.size() + " incr calls)", t0);
            adds.forEach((c, m) -> assertThat(added.get(c)).as("reply of %s to '%s'", c, m).isEqualTo(m.substring(4)));
            incrs.forEach((c, m) -> assertThat(incremented.get(c)).as("reply of %s to incr", c).isEqualTo(expected.get(c)));
            t0 = System.nanoTime();
            assertCounts(nodes.get(0), expected, "before any move");
            step("read all " + CHILDREN + " counts", t0);

            // a third node joins: the children it now owns move to it, with their state
            t0 = System.nanoTime();
            NodeProcess h3 = startWithConfig(cluster, "h3", files);
            nodes.add(h3);
            awaitMembers(nodes, 3, Duration.ofSeconds(120));
            step("h3 joins (from launch)", t0);
            assertHotSwapBound(h3);
            Map<String, String> afterJoin = awaitConverged(h3, nodes, ALL, WAIT);
            step("h3 join: children moved and registries agree", t0);
            long moved = afterJoin.entrySet().stream().filter(e -> !e.getValue().equals(placement.get(e.getKey()))).count();
            afterJoin.forEach((c, n) -> {
                if (!n.equals(placement.get(c))) assertThat(n).as("%s moved, so to the new node", c).isEqualTo("h3");
            });
            System.out.printf("join moved %d of %d children to h3%n", moved, CHILDREN);
            assertThat(moved).as("children moved to h3").isBetween(CHILDREN / 3L - 150, CHILDREN / 3L + 150);
            t0 = System.nanoTime();
            assertCounts(h3, expected, "after h3 joined (" + moved + " moved by hot swap)");
            step("after join: all " + CHILDREN + " counts read", t0);

            // SIGTERM of h1: it hands its children (with their state) to h2 and h3, then leaves
            NodeProcess h1 = nodes.remove(0);
            long onH1 = afterJoin.values().stream().filter("h1"::equals).count();
            t0 = System.nanoTime();
            assertThat(h1.terminate(Duration.ofSeconds(60))).as("h1 exits after SIGTERM").isTrue();
            step("SIGTERM h1: process exited", t0);
            awaitMembers(nodes, 2, WAIT);
            Map<String, String> afterStop = awaitConverged(nodes.get(0), nodes, ALL, WAIT);
            step("SIGTERM h1: its " + onH1 + " children run on h2, h3", t0);
            assertThat(afterStop.values()).containsOnly("h2", "h3");
            t0 = System.nanoTime();
            assertCounts(nodes.get(1), expected, "after SIGTERM of h1 (" + onH1 + " moved by hot swap)");
            step("after graceful stop: all " + CHILDREN + " counts read", t0);
            String h2log = Files.readString(nodes.get(0).log);
            assertThat(h2log).contains("node h1 left").doesNotContain("node h1 failed")
                    .containsPattern("moving \\d+ child\\(ren\\) to h3 \\(join of h3, hotswap\\)")
                    .doesNotContain("not confirmed by");
            assertThat(Files.readString(h1.log)).containsPattern("moving \\d+ child\\(ren\\) to h[23] \\(graceful stop of h1, hotswap\\)")
                    .doesNotContain("not confirmed by");
        } finally {
            System.out.println("timings (ms): " + timings);
        }
    }

    private static void assertHotSwapBound(NodeProcess n) throws Exception {
        Map<String, String> s = ShellSupport.status(n);
        assertThat(s.get("strategy.migration")).as("%s's migration strategy", n.name)
                .startsWith("hotswap(").contains("handover=true").contains("retention=5000");
        assertThat(s.get("strategy.mismatch")).as("%s strategy mismatch", n.name).isEqualTo("none");
    }

    /** Reads every counter through {@code via} and compares all of them at once. */
    private static void assertCounts(NodeProcess via, Map<String, String> expected, String when) throws Exception {
        Map<String, String> gets = new TreeMap<>();
        expected.keySet().forEach(c -> gets.put(c, "get"));
        Map<String, String> actual = callAll(via, gets, BULK);
        Map<String, String> wrong = new TreeMap<>();
        expected.forEach((c, v) -> {
            if (!v.equals(actual.get(c))) wrong.put(c, "expected " + v + " got " + actual.get(c));
        });
        assertThat(wrong).as("counters with a wrong count %s (%d of %d), e.g. %s", when, wrong.size(), expected.size(),
                head(wrong.entrySet().stream().map(Object::toString).toList())).isEmpty();
    }

    private void step(String what, long t0) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        timings.put(what, ms);
        System.out.println("step: " + what + ": " + ms + " ms");
    }
}
