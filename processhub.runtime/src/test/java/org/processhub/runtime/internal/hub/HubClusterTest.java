package org.processhub.runtime.internal.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.processhub.runtime.internal.hub.TestCluster.await;
import static org.processhub.runtime.internal.hub.TestCluster.counter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.processhub.api.AlreadyStartedException;
import org.processhub.api.ChildInfo;
import org.processhub.api.ChildNotFoundException;
import org.processhub.api.ChildSpec;
import org.processhub.api.InvalidSpecException;
import org.processhub.api.NoChildrenException;
import org.processhub.api.NodeId;
import org.processhub.api.ProcessRef;
import org.processhub.api.Scope;
import org.processhub.api.StartOptions;
import org.processhub.api.StartResult;
import org.processhub.api.UnknownFactoryException;
import org.processhub.api.hook.Hook;
import org.processhub.api.strategy.MigrationStrategy;
import org.processhub.runtime.internal.cluster.IgniteCluster;

/** Several real Ignite nodes in one JVM running one hub: placement, sync, routing, failover, migration. */
class HubClusterTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    static <T> T get(java.util.concurrent.CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static Throwable failure(java.util.concurrent.CompletionStage<?> s) throws Exception {
        try {
            s.toCompletableFuture().get(20, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    static List<ChildSpec> counters(String prefix, int n) {
        List<ChildSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) specs.add(counter(prefix + i));
        return specs;
    }

    static boolean allSee(List<HubCore> hubs, int members) {
        return hubs.stream().allMatch(h -> h.nodes(true).size() == members);
    }

    /** Every child runs exactly once, on its owner, and every registry shows exactly that. */
    static boolean converged(List<HubCore> hubs, int children) {
        Map<String, NodeId> running = new HashMap<>();
        for (HubCore h : hubs) {
            for (var cell : h.supervisor().cells()) {
                if (running.put(cell.childId(), h.localNode()) != null) return false; // duplicate
            }
        }
        if (running.size() != children) return false;
        for (HubCore h : hubs) {
            if (h.registrySize() != children) return false;
            for (var e : running.entrySet()) {
                ChildInfo row = h.childLookup(e.getKey()).orElse(null);
                if (row == null || !row.nodes().equals(List.of(e.getValue()))) return false;
                if (!h.owners(e.getKey()).equals(List.of(e.getValue()))) return false;
            }
        }
        return true;
    }

    @Test
    void singleNodeStartsLooksUpCallsAndStops() throws Exception {
        try (TestCluster tc = new TestCluster()) {
            HubCore hub = tc.startHub(tc.startNode("solo"), "h1");
            StartResult r = get(hub.startChild(ChildSpec.of("c1", "counter", Map.of("start", 41L))));
            assertThat(r.started()).singleElement().satisfies(s -> assertThat(s.refs()).extracting(ProcessRef::node)
                    .containsExactly(hub.localNode()));
            assertThat(hub.childLookup("c1")).isPresent();
            assertThat(get(hub.call("c1", "incr", Duration.ofSeconds(5)))).isEqualTo(42L);
            hub.cast("c1", "incr");
            assertThat(await(WAIT, () -> Long.valueOf(43).equals(join(hub.call("c1", "get", Duration.ofSeconds(5)))))).isTrue();

            assertThat(failure(hub.startChild(counter("c1")))).isInstanceOf(AlreadyStartedException.class);
            assertThat(failure(hub.startChildren(List.of(), StartOptions.DEFAULTS))).isInstanceOf(NoChildrenException.class);
            assertThat(failure(hub.startChild(ChildSpec.of("x", "nope")))).isInstanceOf(UnknownFactoryException.class)
                    .hasMessageContaining("nope");
            assertThat(failure(hub.startChildren(List.of(counter("d"), counter("d")), StartOptions.DEFAULTS)))
                    .isInstanceOf(InvalidSpecException.class).hasMessageContaining("twice");
            assertThat(failure(hub.call("missing", "get", Duration.ofSeconds(1)))).isInstanceOf(ChildNotFoundException.class);

            assertThat(get(hub.stopChild("c1")).stopped()).singleElement().satisfies(s -> assertThat(s.childId()).isEqualTo("c1"));
            assertThat(hub.childLookup("c1")).isEmpty();
            assertThat(hub.supervisor().size()).isZero();
            assertThat(get(hub.stopChild("c1")).errors()).singleElement()
                    .satisfies(e -> assertThat(e.code()).isEqualTo(org.processhub.api.ErrorCode.NOT_FOUND));
        }
    }

    static Object join(java.util.concurrent.CompletionStage<Object> s) {
        try {
            return s.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return e;
        }
    }

    @Test
    void threeNodesPlaceEachChildOnItsOwnerAndRegistriesConverge() throws Exception {
        try (TestCluster tc = new TestCluster()) {
            List<HubCore> hubs = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) hubs.add(tc.startHub(tc.startNode(n), "h"));
            assertThat(await(WAIT, () -> allSee(hubs, 3))).as("every hub sees 3 members").isTrue();
            // placement is identical everywhere
            for (int i = 0; i < 200; i++) {
                String id = "p" + i;
                assertThat(hubs.get(1).owners(id)).isEqualTo(hubs.get(0).owners(id)).isEqualTo(hubs.get(2).owners(id));
            }
            StartResult r = get(hubs.get(0).startChildren(counters("c", 300), StartOptions.DEFAULTS));
            assertThat(r.errors()).isEmpty();
            assertThat(r.started()).hasSize(300);
            // read-your-writes on the caller
            assertThat(hubs.get(0).registrySize()).isEqualTo(300);
            assertThat(await(WAIT, () -> converged(hubs, 300))).as("registries converge, each child on its owner").isTrue();
            // calls and casts reach children on other nodes
            String remote = r.started().stream().filter(s -> !s.refs().get(0).node().equals(hubs.get(0).localNode()))
                    .findFirst().orElseThrow().childId();
            assertThat(get(hubs.get(0).call(remote, "incr", Duration.ofSeconds(5)))).isEqualTo(1L);
            hubs.get(2).cast(remote, "incr");
            assertThat(await(WAIT, () -> Long.valueOf(2).equals(join(hubs.get(1).call(remote, "get", Duration.ofSeconds(5)))))).isTrue();
            Map<NodeId, List<ProcessRef>> global = get(hubs.get(1).whichChildren(Scope.GLOBAL));
            assertThat(global).hasSize(3);
            assertThat(global.values().stream().mapToInt(List::size).sum()).isEqualTo(300);
            // stop from a node that does not run them
            assertThat(get(hubs.get(2).stopChildren(List.of("c1", "c2", "c3"), org.processhub.api.StopOptions.DEFAULTS)).stopped()).hasSize(3);
            assertThat(await(WAIT, () -> converged(hubs, 297))).isTrue();
        }
    }

    @Test
    void aNodeThatLeavesHasItsChildrenRestartedOnTheSurvivors() throws Exception {
        try (TestCluster tc = new TestCluster()) {
            List<HubCore> hubs = new ArrayList<>();
            List<IgniteCluster> nodes = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                IgniteCluster node = tc.startNode(n);
                nodes.add(node);
                hubs.add(tc.startHub(node, "h"));
            }
            assertThat(await(WAIT, () -> allSee(hubs, 3))).isTrue();
            List<String> leaveHooks = new CopyOnWriteArrayList<>();
            hubs.get(0).hooks().register(Hook.CLUSTER_LEAVE, "t", 0, n -> leaveHooks.add(n.name()));
            get(hubs.get(0).startChildren(counters("c", 300), StartOptions.DEFAULTS));
            assertThat(await(WAIT, () -> converged(hubs, 300))).isTrue();
            int onC = hubs.get(2).supervisor().size();
            assertThat(onC).isPositive();
            // node c disappears without handing anything over
            nodes.get(2).close();
            List<HubCore> survivors = hubs.subList(0, 2);
            assertThat(await(WAIT, () -> allSee(survivors, 2))).isTrue();
            assertThat(await(WAIT, () -> converged(survivors, 300))).as("c's children run again on a and b").isTrue();
            assertThat(leaveHooks).containsExactly(nodes.get(2).localNode().name());
        }
    }

    @Test
    void nodesThatFailOneRightAfterTheOtherLoseNoChildren() throws Exception {
        try (TestCluster tc = new TestCluster()) {
            List<HubCore> hubs = new ArrayList<>();
            List<IgniteCluster> nodes = new ArrayList<>();
            for (String n : List.of("a", "b", "c", "d", "e")) {
                IgniteCluster node = tc.startNode(n);
                nodes.add(node);
                hubs.add(tc.startHub(node, "h"));
            }
            assertThat(await(WAIT, () -> allSee(hubs, 5))).isTrue();
            get(hubs.get(0).startChildren(counters("x", 400), StartOptions.DEFAULTS));
            assertThat(await(WAIT, () -> converged(hubs, 400))).isTrue();
            // d and e die almost together: while the survivors handle d, the ring of that moment still has e,
            // so some of d's children are "owned" by e, which is already gone
            Thread kill = new Thread(() -> nodes.get(4).close());
            kill.start();
            nodes.get(3).close();
            kill.join(30_000);
            List<HubCore> survivors = hubs.subList(0, 3);
            assertThat(await(WAIT, () -> allSee(survivors, 3))).isTrue();
            assertThat(await(WAIT, () -> converged(survivors, 400))).as("every child of d and e runs again").isTrue();
        }
    }

    @Test
    void aJoiningNodeReceivesExactlyTheChildrenItNowOwns() throws Exception {
        try (TestCluster tc = new TestCluster()) {
            List<HubCore> hubs = new ArrayList<>();
            for (String n : List.of("a", "b")) hubs.add(tc.startHub(tc.startNode(n), "h"));
            assertThat(await(WAIT, () -> allSee(hubs, 2))).isTrue();
            get(hubs.get(0).startChildren(counters("c", 400), StartOptions.DEFAULTS));
            assertThat(await(WAIT, () -> converged(hubs, 400))).isTrue();
            Map<String, Long> incarnations = new HashMap<>();
            hubs.get(0).registry().forEach((id, row) -> incarnations.put(id, row.refs().get(0).incarnation()));

            HubCore c = tc.startHub(tc.startNode("c"), "h");
            hubs.add(c);
            assertThat(await(WAIT, () -> allSee(hubs, 3))).isTrue();
            assertThat(await(WAIT, () -> converged(hubs, 400))).as("moved children run on c, registries agree").isTrue();
            int moved = 0;
            for (var row : hubs.get(0).registry().values()) {
                boolean onC = row.nodes().equals(List.of(c.localNode()));
                if (onC) moved++;
                else assertThat(row.refs().get(0).incarnation()).as("%s untouched", row.childId()).isEqualTo(incarnations.get(row.childId()));
            }
            assertThat(moved).isEqualTo(c.supervisor().size()).isBetween(60, 220);
        }
    }

    @Test
    void aChildLeftOnANodeThatDoesNotOwnItIsRepairedWithoutAnyMembershipChange() throws Exception {
        try (TestCluster tc = new TestCluster()) {
            List<HubCore> hubs = new ArrayList<>();
            for (String n : List.of("a", "b")) hubs.add(tc.startHub(tc.startNode(n), "h"));
            assertThat(await(WAIT, () -> allSee(hubs, 2))).isTrue();
            get(hubs.get(0).startChildren(counters("c", 50), StartOptions.DEFAULTS));
            assertThat(await(WAIT, () -> converged(hubs, 50))).isTrue();
            HubCore a = hubs.get(0);
            HubCore b = hubs.get(1);
            // what a merge of two sides or a move sent on a stale view leaves behind: b runs a duplicate of a
            // child a owns and runs, and a child a owns that runs nowhere else
            String dup = a.supervisor().cells().iterator().next().childId();
            String stray = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "s" + i)
                    .filter(id -> a.owners(id).equals(List.of(a.localNode()))).findFirst().orElseThrow();
            get(b.supervisor().start(counter(dup), Map.of(), org.processhub.api.Mode.ACTIVE, false, null));
            get(b.supervisor().start(counter(stray), Map.of(), org.processhub.api.Mode.ACTIVE, false, null));
            assertThat(converged(hubs, 51)).isFalse();
            assertThat(await(WAIT, () -> converged(hubs, 51)))
                    .as("b stops its duplicate of %s and moves %s to its owner a", dup, stray).isTrue();
            assertThat(a.supervisor().get(stray)).isPresent();
        }
    }

    @Test
    void hotSwapKeepsStateAcrossAJoinAndAGracefulStop() throws Exception {
        MigrationStrategy hot = new MigrationStrategy() {
            public String name() {
                return "test-hotswap";
            }

            public Plan plan() {
                return new Plan(true, true, Duration.ofSeconds(2));
            }
        };
        HubStrategies strategies = new HubStrategies(TestCluster.defaultStrategies().distribution(),
                TestCluster.defaultStrategies().redundancy(), hot, TestCluster.defaultStrategies().synchronization(),
                TestCluster.defaultStrategies().partitionTolerance());
        try (TestCluster tc = new TestCluster()) {
            List<HubCore> hubs = new ArrayList<>();
            hubs.add(tc.startHub(tc.startNode("a"), "h", strategies));
            get(hubs.get(0).startChildren(counters("c", 100), StartOptions.DEFAULTS));
            for (int i = 0; i < 100; i++) {
                for (int k = 0; k <= i % 5; k++) get(hubs.get(0).call("c" + i, "incr", Duration.ofSeconds(5)));
            }
            HubCore b = tc.startHub(tc.startNode("b"), "h", strategies);
            hubs.add(b);
            assertThat(await(WAIT, () -> allSee(hubs, 2))).isTrue();
            assertThat(await(WAIT, () -> converged(hubs, 100))).isTrue();
            assertThat(b.supervisor().size()).isPositive();
            for (int i = 0; i < 100; i++) {
                assertThat(get(b.call("c" + i, "get", Duration.ofSeconds(5)))).as("c%d after join", i).isEqualTo((long) (i % 5 + 1));
            }
            hubs.get(0).stop(); // graceful: a's children move to b with their state
            assertThat(await(WAIT, () -> b.supervisor().size() == 100 && b.nodes(true).size() == 1)).isTrue();
            for (int i = 0; i < 100; i++) {
                assertThat(get(b.call("c" + i, "get", Duration.ofSeconds(5)))).as("c%d after graceful stop", i).isEqualTo((long) (i % 5 + 1));
            }
        }
    }
}
