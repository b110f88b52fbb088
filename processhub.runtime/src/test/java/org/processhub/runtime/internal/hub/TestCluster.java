package org.processhub.runtime.internal.hub;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.processhub.api.ChildSpec;
import org.processhub.api.Handover;
import org.processhub.api.HubProcess;
import org.processhub.api.ProcessContext;
import org.processhub.api.ProcessFactory;
import org.processhub.runtime.internal.cluster.IgniteCluster;
import org.processhub.runtime.internal.cluster.NodeSettings;
import org.processhub.runtime.internal.log.Log;
import org.processhub.runtime.internal.strategy.ColdSwapStrategy;
import org.processhub.runtime.internal.strategy.ConsistentHashingStrategy;
import org.processhub.runtime.internal.strategy.DivergenceStrategy;
import org.processhub.runtime.internal.strategy.PubSubStrategy;
import org.processhub.runtime.internal.strategy.SingularityStrategy;

/**
 * Several real Ignite nodes in this JVM, on loopback ports no other test or stray node uses, each with
 * its hubs. Close it to stop everything.
 */
final class TestCluster implements AutoCloseable {
    static final Log LOG = Log.stderr(Log.Level.WARN);

    final int discoveryPort;
    final int commPort;
    final List<IgniteCluster> nodes = new ArrayList<>();
    final List<HubCore> hubs = new ArrayList<>();
    final Map<HubCore, IgniteCluster> hubNodes = new java.util.IdentityHashMap<>();
    final Map<String, ProcessFactory> factories = new ConcurrentHashMap<>();

    TestCluster() throws IOException {
        this.discoveryPort = freeRange(10);
        this.commPort = freeRange(60);
        factories.put("counter", spec -> new Counter());
    }

    IgniteCluster startNode(String name) throws IOException {
        IgniteCluster c = IgniteCluster.start(
                NodeSettings.loopback(name, discoveryPort, 9, commPort, Duration.ofMillis(2000)), LOG);
        nodes.add(c);
        return c;
    }

    HubCore startHub(IgniteCluster node, String hubId) {
        return startHub(node, hubId, defaultStrategies());
    }

    HubCore startHub(IgniteCluster node, String hubId, HubStrategies strategies) {
        HubSettings s = HubSettings.defaults(hubId).withAnnounceInterval(Duration.ofMillis(500))
                .withDeadlockTimeout(Duration.ofSeconds(20));
        HubCore hub = new HubCore(s, node, strategies, name -> Optional.ofNullable(factories.get(name)), LOG);
        hub.start();
        hubs.add(hub);
        hubNodes.put(hub, node);
        return hub;
    }

    static HubStrategies defaultStrategies() {
        return new HubStrategies(new ConsistentHashingStrategy(), new SingularityStrategy(), new ColdSwapStrategy(),
                new PubSubStrategy(Duration.ofSeconds(2)), new DivergenceStrategy());
    }

    @Override
    public void close() {
        for (HubCore h : hubs) {
            try {
                if (h.isAlive() && !hubNodes.get(h).isClosed()) h.stop(); // a "crashed" node's hub is just dropped
            } catch (RuntimeException e) {
                LOG.warn("stopping hub: " + e);
            }
        }
        for (IgniteCluster n : nodes) n.close();
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; returns whether it held. */
    static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    /** A base port with {@code count} free ports after it (checked by binding each). */
    static int freeRange(int count) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + ThreadLocalRandom.current().nextInt(30000);
            if (allFree(base, count)) return base;
        }
        throw new IOException("no free port range of " + count);
    }

    private static boolean allFree(int base, int count) {
        for (int p = base; p < base + count; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** incr/get counter with handover; {@code crash} throws; {@code mode}/{@code signals} report its replica mode. */
    static final class Counter implements HubProcess, Handover {
        long value;
        ProcessContext context;
        final java.util.List<String> signals = new java.util.ArrayList<>();

        @Override
        public void modeChanged(org.processhub.api.Mode mode) {
            signals.add(mode.name());
        }

        @Override
        public void init(ProcessContext context) {
            this.context = context;
            Object start = context.args().get("start");
            value = start == null ? 0 : ((Number) start).longValue();
        }

        @Override
        public Object handleCall(Object message) {
            return switch (String.valueOf(message)) {
                case "incr" -> ++value;
                case "get" -> value;
                case "mode" -> context.mode().name();
                case "signals" -> String.join(",", signals);
                case "incarnation" -> context.self().incarnation();
                case "crash" -> throw new IllegalStateException("crash requested");
                case "block" -> {
                    try {
                        Thread.sleep(60_000); // a handler that never answers in time
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    yield "woke";
                }
                default -> "unknown";
            };
        }

        @Override
        public void handleCast(Object message) {
            handleCall(message);
        }

        @Override
        public Object exportState() {
            return value;
        }

        @Override
        public void importState(Object state) {
            value = ((Number) state).longValue();
        }
    }

    static ChildSpec counter(String id) {
        return ChildSpec.of(id, "counter");
    }
}
