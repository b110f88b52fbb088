package org.processhub.runtime.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.processhub.api.NodeId;

class HashRingTest {
    static final int CHILDREN = 100_000;

    static List<NodeId> nodes(int n) {
        return IntStream.range(0, n).mapToObj(i -> NodeId.of("127.0.0.1:" + (47500 + i))).toList();
    }

    @Test
    void sameMembersInAnyOrderGiveTheSamePlacement() {
        List<NodeId> a = new ArrayList<>(nodes(5));
        List<NodeId> b = new ArrayList<>(a);
        Collections.shuffle(b, new java.util.Random(7));
        HashRing r1 = new HashRing(a, HashRing.DEFAULT_VIRTUAL_NODES);
        HashRing r2 = new HashRing(b, HashRing.DEFAULT_VIRTUAL_NODES);
        for (int i = 0; i < 10_000; i++) {
            assertThat(r1.owners("c" + i, 3)).isEqualTo(r2.owners("c" + i, 3));
        }
    }

    @Test
    void ownersAreDistinctPrimaryFirstAndCappedAtClusterSize() {
        HashRing r = new HashRing(nodes(4), 64);
        for (int i = 0; i < 1000; i++) {
            List<NodeId> o = r.owners("x" + i, 3);
            assertThat(o).hasSize(3).doesNotHaveDuplicates();
            assertThat(o.get(0)).isEqualTo(r.owner("x" + i));
            assertThat(r.owners("x" + i, 9)).hasSize(4).containsExactlyInAnyOrderElementsOf(nodes(4));
        }
        assertThat(r.owners("x", 0)).isEmpty();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new HashRing(List.of(), 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HashRing(nodes(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Balance goal (DESIGN §9): with 100k children, max/mean per node ≤ 1.05 at 2–10 nodes, whatever the node
     * names (vnode positions depend on them): 12 random name sets per size, in the default naming style.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5, 10})
    void balanceWithDefaultVirtualNodes(int n) {
        java.util.Random random = new java.util.Random(n);
        double worst = 0;
        for (int set = 0; set < 12; set++) {
            List<NodeId> names = new ArrayList<>();
            for (int i = 0; i < n; i++) names.add(NodeId.of("10.0." + random.nextInt(256) + "." + random.nextInt(256) + "-" + (1000 + random.nextInt(60000))));
            HashRing r = new HashRing(names, HashRing.DEFAULT_VIRTUAL_NODES);
            Map<NodeId, Integer> counts = new HashMap<>();
            for (int i = 0; i < CHILDREN; i++) {
                counts.merge(r.owner("child-" + i), 1, Integer::sum);
            }
            assertThat(counts).hasSize(n);
            worst = Math.max(worst, Collections.max(counts.values()) / ((double) CHILDREN / n));
        }
        System.out.printf("ring balance: nodes=%d vnodes=%d worst max/mean of 12 name sets=%.4f%n", n, HashRing.DEFAULT_VIRTUAL_NODES, worst);
        assertThat(worst).isLessThanOrEqualTo(1.05);
    }

    /** A join moves only children that go to the new node, about 1/(N+1) of them. */
    @ParameterizedTest
    @ValueSource(ints = {3, 5, 10})
    void joinMovesOnlyToTheNewNode(int n) {
        List<NodeId> before = nodes(n);
        List<NodeId> after = nodes(n + 1);
        NodeId joiner = after.get(n);
        HashRing r1 = new HashRing(before, HashRing.DEFAULT_VIRTUAL_NODES);
        HashRing r2 = new HashRing(after, HashRing.DEFAULT_VIRTUAL_NODES);
        int moved = 0;
        for (int i = 0; i < CHILDREN; i++) {
            String id = "child-" + i;
            NodeId o1 = r1.owner(id);
            NodeId o2 = r2.owner(id);
            if (!o1.equals(o2)) {
                assertThat(o2).as("child %s moved between two old nodes", id).isEqualTo(joiner);
                moved++;
            }
        }
        double fraction = (double) moved / CHILDREN;
        double ideal = 1.0 / (n + 1);
        System.out.printf("ring join: %d->%d nodes moved=%.4f ideal=%.4f ratio=%.3f%n", n, n + 1, fraction, ideal, fraction / ideal);
        assertThat(fraction).isBetween(ideal * 0.85, ideal * 1.15);
    }

    /** A leave moves only the leaver's children. */
    @Test
    void leaveMovesOnlyTheLeaversChildren() {
        List<NodeId> before = nodes(5);
        NodeId leaver = before.get(2);
        List<NodeId> after = before.stream().filter(x -> !x.equals(leaver)).toList();
        HashRing r1 = new HashRing(before, 256);
        HashRing r2 = new HashRing(after, 256);
        for (int i = 0; i < 20_000; i++) {
            String id = "k" + i;
            if (!r1.owner(id).equals(leaver)) {
                assertThat(r2.owner(id)).isEqualTo(r1.owner(id));
            }
        }
    }
}
