package org.processhub.runtime.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.processhub.api.NodeId;
import org.processhub.runtime.internal.log.Log;

/** A node that misses discovery events still learns joins and leaves from Ignite's topology. */
class TopologyReconcileTest {
    final List<IgniteCluster> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(IgniteCluster::close);
    }

    IgniteCluster start(String name, int port, int comm) throws Exception {
        IgniteCluster c = IgniteCluster.start(NodeSettings.loopback(name, port, 4, comm, Duration.ofMillis(2000)),
                Log.stderr(Log.Level.ERROR));
        nodes.add(c);
        return c;
    }

    static boolean await(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (c.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return c.getAsBoolean();
    }

    @Test
    void joinsAndLeavesWithoutTheirEventsAreReconciled() throws Exception {
        int port = FreePorts.range("127.0.0.1", 5);
        int comm = FreePorts.range("127.0.0.1", 50);
        IgniteCluster a = start("a", port, comm);
        IgniteCluster b = start("b", port, comm);
        assertThat(await(() -> a.nodes().size() == 2)).isTrue();
        List<String> seen = new CopyOnWriteArrayList<>();
        a.addListener(new Cluster.Listener() {
            @Override
            public void nodeUp(NodeId node) {
                seen.add("up " + node.name());
            }

            @Override
            public void nodeDown(NodeId node, boolean failed) {
                seen.add("down " + node.name());
            }
        });
        a.ignoreDiscoveryEvents();

        IgniteCluster c = start("c", port, comm);
        assertThat(await(() -> b.isUp(c.localNode()))).as("b hears of c the usual way").isTrue();
        assertThat(await(() -> a.isUp(c.localNode()))).as("a, deaf to events, finds c in the topology").isTrue();
        // listeners hear of the change just after the peer map changed
        assertThat(await(() -> seen.contains("up c"))).isTrue();
        assertThat(seen).containsExactly("up c");

        c.close();
        assertThat(await(() -> !b.isUp(c.localNode()))).isTrue();
        assertThat(await(() -> !a.isUp(c.localNode()))).as("a notices c is gone from the topology").isTrue();
        assertThat(await(() -> seen.contains("down c"))).isTrue();
        assertThat(seen).containsExactly("up c", "down c");
        assertThat(a.nodes()).extracting(NodeId::name).containsExactly("a", "b");
    }
}
