package org.processhub.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.processhub.itest.Awaits.await;
import static org.processhub.itest.Awaits.get;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.processhub.api.ChildSpec;
import org.processhub.api.NodeId;
import org.processhub.api.ProcessHub;
import org.processhub.api.strategy.DistributionStrategy;

/** Strategies selected through ConfigAdmin, swapped while the hub runs, provided by a third party, and taken away. */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class StrategiesIT {
    static final Duration CALL = Duration.ofSeconds(10);

    static String run(CommandProcessor shell, String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CommandSession session = shell.createSession(new ByteArrayInputStream(new byte[0]), out, out);
        try {
            Object r = session.execute(command);
            return r == null ? "" : String.valueOf(r);
        } finally {
            session.close();
        }
    }

    static Configuration factory(ConfigurationAdmin cm, String pid, String name, Map<String, Object> props) throws Exception {
        Configuration c = cm.getFactoryConfiguration(pid, name, "?");
        c.update(new Hashtable<>(props));
        return c;
    }

    static String status(CommandProcessor shell, String hub, String key) throws Exception {
        return run(shell, "hub:status " + hub).lines().filter(l -> l.startsWith(key + ": ")).map(l -> l.substring(key.length() + 2))
                .findFirst().orElse("");
    }

    @Test
    void aStrategyIsSelectedByConfigurationAndSwappedWhileTheHubRunsWithoutRestartingChildren(
            @InjectService ConfigurationAdmin cm, @InjectService(timeout = 30_000) CommandProcessor shell,
            @InjectService(filter = "(hub.id=swap)", cardinality = 0) ServiceAware<ProcessHub> aware) throws Exception {
        Configuration repl = factory(cm, "org.processhub.strategy.replication", "swap", Map.of("hub.id", "swap",
                "replication.factor", "1", "replication.model", "active_passive"));
        Configuration hubConfig = factory(cm, "org.processhub.hub", "swap", Map.of("hub.id", "swap",
                "redundancy.target", "(&(processhub.strategy.name=replication)(hub.id=swap))"));
        try {
            ProcessHub hub = aware.waitForService(30_000);
            assertThat(hub).isNotNull();
            long serviceId = (Long) aware.getServiceReference().getProperty("service.id");
            assertThat(await(Awaits.WAIT, () -> statusIs(shell, "swap", "strategy.redundancy",
                    "replication(redundancy.signal=none,replication.factor=1,replication.model=active_passive)"))).isTrue();
            get(hub.startChild(ChildSpec.of("c1", "counter")));
            assertThat(get(hub.call("c1", "incr", CALL))).isEqualTo(1L);
            long incarnation = hub.childLookup("c1").orElseThrow().refs().get(0).incarnation();
            assertThat(run(shell, "hub:lookup swap c1")).endsWith("*"); // active/passive marks the active replica

            hubConfig.update(new Hashtable<>(Map.of("hub.id", "swap", "redundancy.target", "(processhub.strategy.name=singularity)")));
            assertThat(await(Awaits.WAIT, () -> {
                try {
                    return status(shell, "swap", "strategy.redundancy").equals("singularity");
                } catch (Exception e) {
                    return false;
                }
            })).as("swapped to singularity").isTrue();
            assertThat(aware.getServiceReference().getProperty("service.id")).as("same hub service").isEqualTo(serviceId);
            assertThat(hub.childLookup("c1").orElseThrow().refs().get(0).incarnation()).as("not restarted").isEqualTo(incarnation);
            assertThat(get(hub.call("c1", "incr", CALL))).as("state kept").isEqualTo(2L);
            assertThat(run(shell, "hub:lookup swap c1")).doesNotEndWith("*");
        } finally {
            hubConfig.delete();
            repl.delete();
        }
    }

    @Test
    void aStrategyOptionChangesInPlaceAndAnInvalidOneIsRefused(@InjectService ConfigurationAdmin cm,
            @InjectService(timeout = 30_000) CommandProcessor shell,
            @InjectService(filter = "(hub.id=opts)", cardinality = 0) ServiceAware<ProcessHub> aware) throws Exception {
        Configuration hubConfig = factory(cm, "org.processhub.hub", "opts", Map.of("hub.id", "opts"));
        Configuration pubsub = cm.getConfiguration("org.processhub.strategy.pubsub", "?");
        try {
            ProcessHub hub = aware.waitForService(30_000);
            long serviceId = (Long) aware.getServiceReference().getProperty("service.id");
            get(hub.startChild(ChildSpec.of("o1", "counter")));
            long incarnation = hub.childLookup("o1").orElseThrow().refs().get(0).incarnation();
            pubsub.update(new Hashtable<>(Map.of("sync.interval", 3000L)));
            assertThat(await(Awaits.WAIT, () -> statusIs(shell, "opts", "strategy.synchronization", "pubsub(sync.interval=3000)"))).isTrue();
            pubsub.update(new Hashtable<>(Map.of("sync.interval", 5L))); // below the 100 ms minimum: refused
            pubsub.update(new Hashtable<>(Map.of("sync.interval", 4000L)));
            // updates are delivered in order: seeing the last one applied means the bad one was handled before it
            assertThat(await(Awaits.WAIT, () -> statusIs(shell, "opts", "strategy.synchronization", "pubsub(sync.interval=4000)"))).isTrue();
            assertThat(aware.getServiceReference().getProperty("service.id")).as("the hub was never restarted").isEqualTo(serviceId);
            assertThat(hub.childLookup("o1").orElseThrow().refs().get(0).incarnation()).isEqualTo(incarnation);
        } finally {
            pubsub.delete();
            hubConfig.delete();
        }
    }

    static boolean statusStarts(CommandProcessor shell, String hub, String key, String prefix) {
        try {
            return status(shell, hub, key).startsWith(prefix);
        } catch (Exception e) {
            return false;
        }
    }

    static boolean statusIs(CommandProcessor shell, String hub, String key, String value) {
        try {
            return status(shell, hub, key).equals(value);
        } catch (Exception e) {
            return false;
        }
    }

    /** A distribution strategy from another bundle (this tests bundle): pins every child to the first member. */
    static final class PinnedDistribution implements DistributionStrategy {
        final AtomicInteger placements = new AtomicInteger();
        final AtomicInteger lookups = new AtomicInteger();

        @Override
        public String name() {
            return "pinned-test";
        }

        @Override
        public Placement placement(List<NodeId> members) {
            placements.incrementAndGet();
            NodeId first = members.get(0);
            return (childId, count) -> {
                lookups.incrementAndGet();
                return List.of(first);
            };
        }
    }

    @Test
    void aThirdPartyStrategyIsSelectedByConfigurationAndUsed(@InjectBundleContext BundleContext context,
            @InjectService ConfigurationAdmin cm, @InjectService(timeout = 30_000) CommandProcessor shell,
            @InjectService(filter = "(hub.id=pinned)", cardinality = 0) ServiceAware<ProcessHub> aware) throws Exception {
        PinnedDistribution pinned = new PinnedDistribution();
        context.registerService(DistributionStrategy.class, pinned, new Hashtable<>(Map.of(
                "processhub.strategy.type", "distribution", "processhub.strategy.name", "pinned-test")));
        Configuration hubConfig = factory(cm, "org.processhub.hub", "pinned", Map.of("hub.id", "pinned",
                "distribution.target", "(processhub.strategy.name=pinned-test)"));
        try {
            ProcessHub hub = aware.waitForService(30_000);
            assertThat(hub).isNotNull();
            assertThat(await(Awaits.WAIT, () -> statusIs(shell, "pinned", "strategy.distribution", "pinned-test"))).isTrue();
            get(hub.startChildren(List.of(ChildSpec.of("p1", "kv"), ChildSpec.of("p2", "kv")), org.processhub.api.StartOptions.DEFAULTS));
            assertThat(pinned.placements.get()).isPositive();
            assertThat(pinned.lookups.get()).as("the hub asked the strategy where the children go").isGreaterThanOrEqualTo(2);
            assertThat(hub.owners("anything")).containsExactly(hub.localNode());
        } finally {
            hubConfig.delete();
        }
    }

    @Test
    void stoppingAStrategyBundleInUseStopsTheHubWithAClearReasonAndItComesBackWithTheBundle(
            @InjectBundleContext BundleContext context, @InjectService ConfigurationAdmin cm,
            @InjectService(timeout = 30_000) CommandProcessor shell,
            @InjectService(filter = "(hub.id=needs-hotswap)", cardinality = 0) ServiceAware<ProcessHub> aware) throws Exception {
        Configuration hot = factory(cm, "org.processhub.strategy.hotswap", "it", Map.of("handover", "true"));
        Configuration hubConfig = factory(cm, "org.processhub.hub", "needs-hotswap", Map.of("hub.id", "needs-hotswap",
                "migration.target", "(processhub.strategy.name=hotswap)"));
        Bundle bundle = java.util.Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().equals("processhub.strategy.hotswap")).findFirst().orElseThrow();
        try {
            assertThat(aware.waitForService(30_000)).isNotNull();
            // the shell's command component learns about the new hub service a moment later: wait for it
            assertThat(await(Awaits.WAIT, () -> statusStarts(shell, "needs-hotswap", "strategy.migration", "hotswap("))).isTrue();
            bundle.stop();
            assertThat(await(Awaits.WAIT, aware::isEmpty)).as("no half-working hub: its service is gone").isTrue();
            assertThat(run(shell, "hub:status needs-hotswap")).isEqualTo(
                    "error: hub 'needs-hotswap' is not running: no migration strategy matches (processhub.strategy.name=hotswap)");
            assertThat(run(shell, "hub:hubs").lines()).contains(
                    "needs-hotswap alive=false nodes=0 local=0 (no migration strategy matches (processhub.strategy.name=hotswap))");
            bundle.start();
            ProcessHub back = aware.waitForService(30_000);
            assertThat(back).as("the hub is back with its strategy").isNotNull();
            assertThat(back.isAlive()).isTrue();
            assertThat(await(Awaits.WAIT, () -> statusStarts(shell, "needs-hotswap", "strategy.migration", "hotswap("))).isTrue();
        } finally {
            if (bundle.getState() != Bundle.ACTIVE) bundle.start();
            hubConfig.delete();
            hot.delete();
        }
    }
}
