package org.processhub.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.processhub.itest.Awaits.await;
import static org.processhub.itest.Awaits.failure;
import static org.processhub.itest.Awaits.get;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.processhub.api.ChildSpec;
import org.processhub.api.HubProcess;
import org.processhub.api.LimitExceededException;
import org.processhub.api.MailboxFullException;
import org.processhub.api.ProcessFactory;
import org.processhub.api.ProcessHub;
import org.processhub.api.StartOptions;

/** Bounded resources and configuration validation in a real framework. */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class LimitsAndConfigIT {
    static final Duration CALL = Duration.ofSeconds(10);

    @Test
    void aFullMailboxRefusesMessagesWithATypedErrorAndBatchesAreBounded(@InjectBundleContext BundleContext context,
            @InjectService ConfigurationAdmin cm,
            @InjectService(filter = "(hub.id=bounded)", cardinality = 0) ServiceAware<ProcessHub> aware) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        context.registerService(ProcessFactory.class, spec -> new HubProcess() {
            @Override
            public Object handleCall(Object message) throws Exception {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
                return "released";
            }
        }, new Hashtable<>(Map.of("processhub.factory", "blocker")));
        Configuration c = StrategiesIT.factory(cm, "org.processhub.hub", "bounded",
                Map.of("hub.id", "bounded", "mailbox.capacity", "2", "max.batch.size", "5"));
        try {
            ProcessHub hub = aware.waitForService(30_000);
            get(hub.startChild(ChildSpec.of("b1", "blocker")));
            var blocked = hub.call("b1", "wait", CALL).toCompletableFuture();
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            hub.cast("b1", "one");
            hub.cast("b1", "two");
            assertThatThrownBy(() -> hub.cast("b1", "three")).isInstanceOf(MailboxFullException.class).hasMessageContaining("mailbox full");
            assertThat(failure(hub.call("b1", "four", CALL))).isInstanceOf(MailboxFullException.class);
            release.countDown();
            assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo("released");

            List<ChildSpec> six = new ArrayList<>();
            for (int i = 0; i < 6; i++) six.add(ChildSpec.of("k" + i, "kv"));
            assertThat(failure(hub.startChildren(six, StartOptions.DEFAULTS))).isInstanceOf(LimitExceededException.class)
                    .hasMessageContaining("max.batch.size");
            assertThat(hub.childLookup("k0")).isEmpty();
            assertThat(get(hub.startChildren(six.subList(0, 5), StartOptions.DEFAULTS)).started()).hasSize(5);
        } finally {
            release.countDown();
            c.delete();
        }
    }

    @Test
    void invalidConfigurationIsRejectedNamingTheOptionAndTheHubKeepsItsLastGoodOne(@InjectService ConfigurationAdmin cm,
            @InjectService(timeout = 30_000) CommandProcessor shell, @InjectService org.osgi.service.log.LogReaderService logs,
            @InjectService(filter = "(hub.id=valid)", cardinality = 0) ServiceAware<ProcessHub> aware) throws Exception {
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.osgi.service.log.LogListener listener = e -> logged.add(e.getMessage());
        logs.addLogListener(listener);
        Configuration c = StrategiesIT.factory(cm, "org.processhub.hub", "valid", Map.of("hub.id", "valid", "restart.max", "3"));
        Configuration bad = StrategiesIT.factory(cm, "org.processhub.hub", "bad", Map.of("hub.id", "bad", "mailbox.capacity", "lots"));
        Configuration badFilter = StrategiesIT.factory(cm, "org.processhub.hub", "badfilter",
                Map.of("hub.id", "badfilter", "redundancy.target", "(processhub.strategy.name=no-such-strategy)"));
        try {
            ProcessHub hub = aware.waitForService(30_000);
            get(hub.startChild(ChildSpec.of("v1", "counter")));
            get(hub.call("v1", "incr", CALL));
            long serviceId = (Long) aware.getServiceReference().getProperty("service.id");
            c.update(new Hashtable<>(Map.of("hub.id", "valid", "restart.max", "-1")));
            assertThat(await(Awaits.WAIT, () -> logged.stream().anyMatch(m -> m.contains("rejected") && m.contains("option restart.max"))))
                    .as("the rejection is logged naming the option").isTrue();
            c.update(new Hashtable<>(Map.of("hub.id", "valid", "deadlock.timeout.ms", "soon")));
            assertThat(await(Awaits.WAIT, () -> logged.stream().anyMatch(m -> m.contains("rejected") && m.contains("option deadlock.timeout.ms"))))
                    .isTrue();
            // the bad updates changed nothing: same hub, same child, same options
            assertThat(aware.getServiceReference().getProperty("service.id")).isEqualTo(serviceId);
            assertThat(get(hub.call("v1", "get", CALL))).isEqualTo(1L);
            assertThat(await(Awaits.WAIT, () -> StrategiesIT.statusStarts(shell, "valid", "options", "restart.max=3,"))).isTrue();
            // a valid update still applies
            c.update(new Hashtable<>(Map.of("hub.id", "valid", "restart.max", "4")));
            assertThat(await(Awaits.WAIT, () -> {
                try {
                    return StrategiesIT.status(shell, "valid", "options").startsWith("restart.max=4,");
                } catch (Exception e) {
                    return false;
                }
            })).isTrue();

            assertThat(await(Awaits.WAIT, () -> {
                try {
                    return StrategiesIT.run(shell, "hub:status bad").contains("mailbox.capacity");
                } catch (Exception e) {
                    return false;
                }
            })).as("a hub that cannot start says which option is wrong").isTrue();
            assertThat(StrategiesIT.run(shell, "hub:status bad")).startsWith("error: hub 'bad' is not running");
            assertThat(StrategiesIT.run(shell, "hub:status badfilter")).isEqualTo(
                    "error: hub 'badfilter' is not running: no redundancy strategy matches (processhub.strategy.name=no-such-strategy)");
        } finally {
            logs.removeLogListener(listener);
            c.delete();
            bad.delete();
            badFilter.delete();
        }
    }
}
