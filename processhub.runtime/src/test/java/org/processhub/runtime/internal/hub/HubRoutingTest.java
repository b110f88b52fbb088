package org.processhub.runtime.internal.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.processhub.runtime.internal.hub.HubClusterTest.allSee;
import static org.processhub.runtime.internal.hub.HubClusterTest.converged;
import static org.processhub.runtime.internal.hub.HubClusterTest.counters;
import static org.processhub.runtime.internal.hub.HubClusterTest.failure;
import static org.processhub.runtime.internal.hub.HubClusterTest.get;
import static org.processhub.runtime.internal.hub.TestCluster.await;
import static org.processhub.runtime.internal.hub.TestCluster.counter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.processhub.api.ChildSpec;
import org.processhub.api.HubTimeoutException;
import org.processhub.api.NodeDownException;
import org.processhub.api.NodeId;
import org.processhub.api.StartOptions;
import org.processhub.api.hook.ChildrenForwarded;
import org.processhub.api.hook.Hook;
import org.processhub.api.hook.PriorityState;
import org.processhub.api.hook.Redistribution;
import org.processhub.runtime.internal.cluster.IgniteCluster;
import org.processhub.runtime.internal.wire.Message.StartItem;
import org.processhub.runtime.internal.wire.Message.StartRequest;
import org.processhub.runtime.internal.wire.WireCodec;

/** Forwarding, anti-entropy, calls to dying nodes, and the lock around redistributions. */
class HubRoutingTest {
    static final Duration WAIT = HubClusterTest.WAIT;

    @Test
    void aNodeThatNoLongerOwnsAChildForwardsTheStartToItsOwner() throws Exception {
        try (TestCluster tc = new TestCluster()) {
            List<IgniteCluster> nodes = new ArrayList<>();
            List<HubCore> hubs = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                IgniteCluster node = tc.startNode(n);
                nodes.add(node);
                hubs.add(tc.startHub(node, "h"));
            }
            assertThat(await(WAIT, () -> allSee(hubs, 3))).isTrue();
            HubCore b = hubs.get(1);
            NodeId c = hubs.get(2).localNode();
            List<ChildrenForwarded> forwarded = new CopyOnWriteArrayList<>();
            b.hooks().register(Hook.CHILDREN_FORWARDED, "t", 0, forwarded::add);
            // children owned by c, sent to b as if a's view of the ring were stale
            List<StartItem> items = new ArrayList<>();
            for (int i = 0; items.size() < 20; i++) {
                ChildSpec s = counter("f" + i);
                if (b.owners(s.id()).equals(List.of(c))) items.add(new StartItem(s, Map.of(), List.of(b.localNode()), false, null));
            }
            nodes.get(0).send(b.localNode(), WireCodec.encode(new StartRequest("h", 424242, nodes.get(0).localNode(), false, 0, 10_000, items)));
            assertThat(await(WAIT, () -> hubs.get(2).supervisor().size() == 20)).as("the owner c runs them").isTrue();
            assertThat(b.supervisor().size()).isZero();
            assertThat(forwarded).singleElement().satisfies(f -> assertThat(f.forwards().get(c)).hasSize(20));
            assertThat(await(WAIT, () -> converged(hubs, 20))).isTrue();
        }
    }

    @Test
    void antiEntropyRestoresMissingRowsAndDropsStaleOnes() throws Exception {
        try (TestCluster tc = new TestCluster()) {
            List<HubCore> hubs = new ArrayList<>();
            for (String n : List.of("a", "b")) hubs.add(tc.startHub(tc.startNode(n), "h"));
            assertThat(await(WAIT, () -> allSee(hubs, 2))).isTrue();
            get(hubs.get(0).startChildren(counters("s", 50), StartOptions.DEFAULTS));
            assertThat(await(WAIT, () -> converged(hubs, 50))).isTrue();
            HubCore a = hubs.get(0);
            HubCore b = hubs.get(1);
            // in agreement, the periodic sync (2 s in these tests) sends digests, never a full snapshot
            long digests = b.syncStats()[0];
            long snapshots = b.syncStats()[1];
            assertThat(await(WAIT, () -> b.syncStats()[0] >= digests + 2)).as("b pushed two digests").isTrue();
            assertThat(b.syncStats()[1]).as("full snapshots b sent while the replicas agreed").isEqualTo(snapshots);
            // damage a's replica: lose rows that b runs, and invent one for b that b does not run
            List<String> ofB = b.supervisor().cells().stream().map(x -> x.childId()).limit(5).toList();
            for (String id : ofB) a.registryReplica().remove(id, b.localNode(), Long.MAX_VALUE);
            a.registryReplica().insert(counter("ghost"), Map.of(), b.localNode(), 1);
            assertThat(a.registrySize()).isEqualTo(46);
            // the periodic sync (2 s in these tests) repairs both
            assertThat(await(WAIT, () -> converged(hubs, 50) && a.childLookup("ghost").isEmpty()))
                    .as("missing rows are back, the stale row is gone").isTrue();
            assertThat(b.syncStats()[1]).as("a disagreed with b's digest and pulled b's snapshot").isGreaterThan(snapshots);
        }
    }

    @Test
    void aCallFailsWithNodeDownWhenItsTargetDiesMidCallAndTimesOutOtherwise() throws Exception {
        try (TestCluster tc = new TestCluster()) {
            IgniteCluster na = tc.startNode("a");
            IgniteCluster nb = tc.startNode("b");
            HubCore a = tc.startHub(na, "h");
            HubCore b = tc.startHub(nb, "h");
            assertThat(await(WAIT, () -> allSee(List.of(a, b), 2))).isTrue();
            String onB = null;
            for (int i = 0; onB == null; i++) if (a.owners("k" + i).equals(List.of(b.localNode()))) onB = "k" + i;
            String onB2 = null;
            for (int i = 1000; onB2 == null; i++) if (a.owners("k" + i).equals(List.of(b.localNode()))) onB2 = "k" + i;
            get(a.startChildren(List.of(counter(onB), counter(onB2)), StartOptions.DEFAULTS));
            assertThat(failure(a.call(onB2, "block", Duration.ofMillis(300)))).isInstanceOf(HubTimeoutException.class);
            var pending = a.call(onB, "block", Duration.ofSeconds(30)).toCompletableFuture();
            long t0 = System.nanoTime();
            nb.close();
            Throwable t = failure(pending);
            assertThat(t).isInstanceOf(NodeDownException.class).hasMessageContaining(b.localNode().name());
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until the caller learned").isLessThan(10_000);
        }
    }

    @Test
    void topologyChangesRunLockedAndFireRedistributionHooks() throws Exception {
        try (TestCluster tc = new TestCluster()) {
            HubCore a = tc.startHub(tc.startNode("a"), "h");
            get(a.startChildren(counters("r", 100), StartOptions.DEFAULTS));
            List<String> events = new CopyOnWriteArrayList<>();
            a.hooks().register(Hook.PRIORITY_STATE_UPDATED, "t", 0, (PriorityState p) -> events.add("priority " + p.priority()
                    + (p.resetAfter().isPresent() ? " reset" : "")));
            a.hooks().register(Hook.PRE_NODES_REDISTRIBUTION, "t", 0, (Redistribution r) -> events.add("pre " + r.kind()));
            a.hooks().register(Hook.POST_NODES_REDISTRIBUTION, "t", 0, (Redistribution r) -> events.add("post " + r.kind()));
            a.hooks().register(Hook.CHILD_MIGRATED, "t", 0, m -> events.add("migrated " + m.childIds().size()));
            a.hooks().register(Hook.CLUSTER_JOIN, "t", 0, n -> events.add("join " + n));
            HubCore b = tc.startHub(tc.startNode("b"), "h");
            assertThat(await(WAIT, () -> events.contains("post NODE_JOIN"))).isTrue();
            int migrated = 100 - a.supervisor().size();
            assertThat(events).containsExactly("join " + b.localNode(), "priority 10 reset", "pre NODE_JOIN",
                    "migrated " + migrated, "post NODE_JOIN", "priority 0");
            assertThat(a.isLocked()).isFalse();
        }
    }
}
