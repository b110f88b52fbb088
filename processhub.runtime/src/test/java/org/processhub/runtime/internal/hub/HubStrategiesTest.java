package org.processhub.runtime.internal.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.processhub.runtime.internal.hub.HubClusterTest.allSee;
import static org.processhub.runtime.internal.hub.HubClusterTest.counters;
import static org.processhub.runtime.internal.hub.HubClusterTest.failure;
import static org.processhub.runtime.internal.hub.HubClusterTest.get;
import static org.processhub.runtime.internal.hub.TestCluster.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.processhub.api.ChildInfo;
import org.processhub.api.NodeId;
import org.processhub.api.PartitionedException;
import org.processhub.api.ProcessRef;
import org.processhub.api.StartOptions;
import org.processhub.api.hook.Hook;
import org.processhub.api.hook.StrategyMismatch;
import org.processhub.api.strategy.MigrationStrategy;
import org.processhub.api.strategy.PartitionToleranceStrategy;
import org.processhub.api.strategy.RedundancyStrategy;
import org.processhub.api.strategy.SynchronizationStrategy;
import org.processhub.runtime.internal.cluster.IgniteCluster;
import org.processhub.runtime.internal.strategy.SingularityStrategy;
import org.processhub.strategy.gossip.GossipStrategy;
import org.processhub.strategy.hotswap.HotSwapStrategy;
import org.processhub.strategy.quorum.StaticQuorumStrategy;
import org.processhub.strategy.replication.ReplicationStrategy;

/** The non-default strategies in a real multi-node hub (several Ignite nodes in this JVM). */
class HubStrategiesTest {
    static final Duration WAIT = HubClusterTest.WAIT;
    static final Duration CALL = Duration.ofSeconds(10);

    static HubStrategies with(RedundancyStrategy r, MigrationStrategy m, SynchronizationStrategy s, PartitionToleranceStrategy p) {
        HubStrategies d = TestCluster.defaultStrategies();
        return new HubStrategies(d.distribution(), r == null ? d.redundancy() : r, m == null ? d.migration() : m,
                s == null ? d.synchronization() : s, p == null ? d.partitionTolerance() : p);
    }

    /** Every child has exactly the ring's {@code rf} owners as replicas, running, and every registry agrees. */
    static boolean replicated(List<HubCore> hubs, int children, int rf) {
        Map<String, List<NodeId>> running = new HashMap<>();
        for (HubCore h : hubs) {
            for (var cell : h.supervisor().cells()) running.computeIfAbsent(cell.childId(), k -> new ArrayList<>()).add(h.localNode());
        }
        if (running.size() != children) return false;
        for (var e : running.entrySet()) {
            List<NodeId> owners = hubs.get(0).owners(e.getKey());
            if (owners.size() != rf || !owners.stream().sorted().toList().equals(e.getValue().stream().sorted().toList())) return false;
            for (HubCore h : hubs) {
                ChildInfo row = h.childLookup(e.getKey()).orElse(null);
                if (row == null || !row.nodes().equals(owners.stream().sorted().toList())) return false;
            }
        }
        return true;
    }

    @Test
    void replicationFactorThreeOnFiveNodesWithOneActiveReplicaThatFailsOver() throws Exception {
        HubStrategies s = with(new ReplicationStrategy("3", "active_passive", "all"), null, null, null);
        try (TestCluster tc = new TestCluster()) {
            List<HubCore> hubs = new ArrayList<>();
            List<IgniteCluster> nodes = new ArrayList<>();
            for (String n : List.of("a", "b", "c", "d", "e")) {
                IgniteCluster node = tc.startNode(n);
                nodes.add(node);
                hubs.add(tc.startHub(node, "h", s));
            }
            assertThat(await(WAIT, () -> allSee(hubs, 5))).isTrue();
            get(hubs.get(0).startChildren(counters("r", 200), StartOptions.DEFAULTS));
            assertThat(await(WAIT, () -> replicated(hubs, 200, 3))).as("every child on exactly its 3 ring owners").isTrue();
            // exactly one active replica per child: the primary owner, the same on every node
            for (int i = 0; i < 200; i++) {
                String id = "r" + i;
                NodeId primary = hubs.get(0).owners(id).get(0);
                for (HubCore h : hubs) assertThat(h.childLookup(id).orElseThrow().active()).contains(primary);
                for (HubCore h : hubs) {
                    var cell = h.supervisor().get(id).orElse(null);
                    if (cell != null) assertThat(cell.mode().name()).isEqualTo(h.localNode().equals(primary) ? "ACTIVE" : "PASSIVE");
                }
            }
            // calls go to the active replica wherever they come from
            String child = "r7";
            NodeId active = hubs.get(0).owners(child).get(0);
            for (HubCore h : hubs) get(h.call(child, "incr", CALL));
            assertThat(get(hubs.get(1).call(child, "get", CALL))).isEqualTo(5L);
            assertThat(get(hubs.get(2).call(child, "mode", CALL))).isEqualTo("ACTIVE");

            // the active replica's node dies: the next replica becomes active without a restart
            NodeId second = hubs.get(0).owners(child).get(1);
            HubCore secondHub = hubs.stream().filter(h -> h.localNode().equals(second)).findFirst().orElseThrow();
            long incarnation = secondHub.supervisor().get(child).orElseThrow().incarnation();
            int dead = hubs.stream().map(HubCore::localNode).toList().indexOf(active);
            nodes.get(dead).close();
            List<HubCore> survivors = new ArrayList<>(hubs);
            survivors.remove(dead);
            assertThat(await(WAIT, () -> allSee(survivors, 4))).isTrue();
            assertThat(await(WAIT, () -> replicated(survivors, 200, 3))).as("replicas restored on the survivors").isTrue();
            var cell = secondHub.supervisor().get(child).orElseThrow();
            assertThat(cell.incarnation()).as("no restart").isEqualTo(incarnation);
            assertThat(cell.mode().name()).isEqualTo("ACTIVE");
            assertThat(get(secondHub.call(child, "signals", CALL))).isEqualTo("ACTIVE");
            assertThat(survivors.get(0).childLookup(child).orElseThrow().active()).contains(second);
        }
    }

    @Test
    void changingStrategiesAtRuntimeConvergesWithoutRestartingUnaffectedChildren() throws Exception {
        HubStrategies single = TestCluster.defaultStrategies();
        HubStrategies two = with(new ReplicationStrategy("2", "active_active", "none"), new HotSwapStrategy(Duration.ofSeconds(2), true),
                new GossipStrategy(Duration.ofSeconds(2), 1, false), null);
        try (TestCluster tc = new TestCluster()) {
            List<HubCore> hubs = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) hubs.add(tc.startHub(tc.startNode(n), "h", single));
            assertThat(await(WAIT, () -> allSee(hubs, 3))).isTrue();
            get(hubs.get(0).startChildren(counters("s", 150), StartOptions.DEFAULTS));
            assertThat(await(WAIT, () -> replicated(hubs, 150, 1))).isTrue();
            Map<String, Long> before = incarnations(hubs);

            hubs.forEach(h -> h.updateStrategies(two)); // singularity → replication(2), coldswap → hotswap, pubsub → gossip
            assertThat(await(WAIT, () -> replicated(hubs, 150, 2))).as("a second replica everywhere").isTrue();
            Map<String, Long> after = incarnations(hubs);
            before.forEach((key, inc) -> assertThat(after.get(key)).as("%s untouched", key).isEqualTo(inc));

            get(hubs.get(1).startChildren(counters("g", 50), StartOptions.DEFAULTS)); // gossip carries the new rows
            assertThat(await(WAIT, () -> replicated(hubs, 200, 2))).isTrue();

            hubs.forEach(h -> h.updateStrategies(single)); // back to one replica
            assertThat(await(WAIT, () -> replicated(hubs, 200, 1))).as("extra replicas stopped").isTrue();
            Map<String, Long> back = incarnations(hubs);
            before.forEach((key, inc) -> assertThat(back.get(key)).as("%s kept its primary instance", key).isEqualTo(inc));
        }
    }

    static String describe(List<HubCore> hubs) {
        StringBuilder b = new StringBuilder();
        java.util.Set<String> all = new java.util.TreeSet<>();
        for (HubCore h : hubs) {
            b.append(h.localNode()).append(": running=").append(h.supervisor().size()).append(" registry=").append(h.registrySize())
                    .append(" partitioned=").append(h.isPartitioned()).append(" members=").append(h.nodes(true)).append("; ");
            h.supervisor().cells().forEach(c -> all.add(c.childId()));
        }
        return b.append("distinct running=").append(all.size()).toString();
    }

    /** child@node → incarnation for every running instance. */
    static Map<String, Long> incarnations(List<HubCore> hubs) {
        Map<String, Long> m = new HashMap<>();
        for (HubCore h : hubs) for (var c : h.supervisor().cells()) m.put(c.childId() + "@" + h.localNode(), c.incarnation());
        return m;
    }

    @Test
    void gossipSpreadsChangesHopByHopAndItsRoundsRepairDrift() throws Exception {
        HubStrategies s = with(null, null, new GossipStrategy(Duration.ofMillis(500), 1, true), null);
        try (TestCluster tc = new TestCluster()) {
            List<HubCore> hubs = new ArrayList<>();
            for (String n : List.of("a", "b", "c", "d", "e")) hubs.add(tc.startHub(tc.startNode(n), "h", s));
            assertThat(await(WAIT, () -> allSee(hubs, 5))).isTrue();
            get(hubs.get(2).startChildren(counters("g", 120), StartOptions.DEFAULTS));
            assertThat(await(WAIT, () -> replicated(hubs, 120, 1))).as("deltas reach every node with one recipient per hop").isTrue();
            // drift: e forgets every row of the others; the rounds started by a (first member) repair it
            HubCore e = hubs.get(4);
            for (HubCore other : hubs.subList(0, 4)) {
                for (var cell : other.supervisor().cells()) e.registryReplica().remove(cell.childId(), other.localNode(), Long.MAX_VALUE);
            }
            assertThat(e.registrySize()).isEqualTo(e.supervisor().size());
            assertThat(await(WAIT, () -> replicated(hubs, 120, 1))).as("anti-entropy rounds repaired e").isTrue();
        }
    }

    @Test
    void staticQuorumPartitionsTheMinorityAndHealsWhenANodeJoins() throws Exception {
        HubStrategies s = with(null, null, null, new StaticQuorumStrategy(3, false));
        try (TestCluster tc = new TestCluster()) {
            List<HubCore> hubs = new ArrayList<>();
            List<IgniteCluster> nodes = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                IgniteCluster node = tc.startNode(n);
                nodes.add(node);
                hubs.add(tc.startHub(node, "h", s));
            }
            assertThat(await(WAIT, () -> allSee(hubs, 3))).isTrue();
            get(hubs.get(0).startChildren(counters("q", 90), StartOptions.DEFAULTS));
            assertThat(await(WAIT, () -> replicated(hubs, 90, 1))).isTrue();
            List<Boolean> partitionEvents = new CopyOnWriteArrayList<>();
            hubs.get(0).hooks().register(Hook.PARTITION_CHANGED, "t", 0, partitionEvents::add);

            nodes.get(2).close();
            List<HubCore> left = hubs.subList(0, 2);
            assertThat(await(WAIT, () -> left.stream().allMatch(HubCore::isPartitioned))).as("2 of 3 < quorum").isTrue();
            assertThat(await(WAIT, () -> left.stream().allMatch(h -> h.supervisor().size() == 0))).as("local children stopped").isTrue();
            assertThat(left.get(0).registrySize()).as("registry rows stay").isGreaterThan(0);
            assertThat(left.get(0).isLocked()).isTrue();
            assertThat(failure(left.get(0).startChild(TestCluster.counter("x")))).isInstanceOf(PartitionedException.class);

            HubCore d = tc.startHub(tc.startNode("d"), "h", s);
            List<HubCore> healed = List.of(left.get(0), left.get(1), d);
            assertThat(await(WAIT, () -> allSee(healed, 3) && healed.stream().noneMatch(HubCore::isPartitioned))).isTrue();
            assertThat(await(WAIT, () -> replicated(healed, 90, 1))).as(() -> "every child runs again exactly once: " + describe(healed)).isTrue();
            assertThat(partitionEvents).containsExactly(true, false);
        }
    }

    @Test
    void hotSwapLosesNoMessageSentDuringTheSwap() throws Exception {
        HubStrategies s = with(null, new HotSwapStrategy(Duration.ofSeconds(5), true), null, null);
        try (TestCluster tc = new TestCluster()) {
            HubCore a = tc.startHub(tc.startNode("a"), "h", s);
            get(a.startChildren(counters("m", 100), StartOptions.DEFAULTS));
            Map<String, AtomicInteger> acked = new ConcurrentHashMap<>();
            AtomicInteger failures = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            Thread load = new Thread(() -> {
                int i = 0;
                while (running.get()) {
                    String id = "m" + (i++ % 100);
                    try {
                        a.call(id, "incr", CALL).toCompletableFuture().get();
                        acked.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        errors.add(e);
                    }
                }
            });
            load.start();
            HubCore b = tc.startHub(tc.startNode("b"), "h", s);
            try {
                assertThat(await(WAIT, () -> allSee(List.of(a, b), 2) && replicated(List.of(a, b), 100, 1) && b.supervisor().size() > 0))
                        .isTrue();
                Thread.sleep(300); // let the load run on after the swap too
            } finally {
                running.set(false);
                load.join(30_000);
            }
            assertThat(failures.get()).as("calls failed during the swap: %s", errors.stream().limit(3).toList()).isZero();
            for (int i = 0; i < 100; i++) {
                String id = "m" + i;
                long expected = acked.getOrDefault(id, new AtomicInteger()).get();
                assertThat(get(b.call(id, "get", CALL))).as("%s counted every acknowledged incr", id).isEqualTo(expected);
            }
        }
    }

    @Test
    void membersRunningDifferentStrategiesAreDetectedAndReported() throws Exception {
        try (TestCluster tc = new TestCluster()) {
            HubCore a = tc.startHub(tc.startNode("a"), "h", TestCluster.defaultStrategies());
            List<StrategyMismatch> seen = new CopyOnWriteArrayList<>();
            a.hooks().register(Hook.STRATEGY_MISMATCH, "t", 0, seen::add);
            HubCore b = tc.startHub(tc.startNode("b"), "h", with(new ReplicationStrategy("2", "active_active", "none"), null, null, null));
            assertThat(await(WAIT, () -> a.mismatchedMembers().contains(b.localNode()))).isTrue();
            assertThat(await(WAIT, () -> b.mismatchedMembers().contains(a.localNode()))).isTrue();
            assertThat(seen).isNotEmpty();
            assertThat(seen.get(0).remote().get("redundancy")).startsWith("replication(");
            assertThat(seen.get(0).local().get("redundancy")).isEqualTo(SingularityStrategy.NAME);
            b.updateStrategies(TestCluster.defaultStrategies());
            assertThat(await(WAIT, () -> a.mismatchedMembers().isEmpty() && b.mismatchedMembers().isEmpty())).isTrue();
        }
    }
}
