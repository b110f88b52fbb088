package org.processhub.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.processhub.itest.Awaits.await;
import static org.processhub.itest.Awaits.failure;
import static org.processhub.itest.Awaits.get;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.annotation.Property;
import org.osgi.test.common.annotation.config.WithFactoryConfiguration;
import org.osgi.test.junit5.cm.ConfigurationExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.processhub.api.ChildSpec;
import org.processhub.api.ErrorCode;
import org.processhub.api.ProcessHub;
import org.processhub.api.ProcessHubException;
import org.processhub.api.ProcessRef;
import org.processhub.api.RestartPolicy;
import org.processhub.api.hook.Hook;

/** The supervisor in a real hub: crashes restart the child; past the restart intensity it is removed. */
@ExtendWith({ConfigurationExtension.class, ServiceExtension.class})
class SupervisionIT {
    static final Duration CALL = Duration.ofSeconds(10);

    @Test
    @WithFactoryConfiguration(factoryPid = "org.processhub.hub", name = "sup", location = "?", properties = {
            @Property(key = "hub.id", value = "sup"), @Property(key = "restart.max", value = "2"),
            @Property(key = "restart.period.ms", value = "60000")})
    void aCrashingChildIsRestartedAndOnePastItsRestartIntensityIsRemoved(
            @InjectService(filter = "(hub.id=sup)", timeout = 30_000) ProcessHub hub) throws Exception {
        List<String> removed = new CopyOnWriteArrayList<>();
        hub.hooks().register(Hook.REGISTRY_PID_REMOVED, "test", 0, r -> removed.add(r.childId()));
        get(hub.startChild(ChildSpec.of("x", "crasher")));
        long first = hub.childLookup("x").orElseThrow().refs().get(0).incarnation();
        assertThat(get(hub.call("x", "ping", CALL))).isEqualTo("pong");
        assertThat(get(hub.call("x", "count", CALL))).isEqualTo(2);

        ProcessHubException crash = (ProcessHubException) failure(hub.call("x", "crash", CALL));
        assertThat(crash.code()).isEqualTo(ErrorCode.PROCESS_CRASHED);
        // restarted: a fresh instance (count starts again) with a new incarnation in the registry
        assertThat(get(hub.call("x", "count", CALL))).isEqualTo(1);
        assertThat(await(Awaits.WAIT, () -> hub.childLookup("x").map(r -> r.refs().get(0).incarnation() > first).orElse(false))).isTrue();

        failure(hub.call("x", "crash", CALL)); // second restart: still within 2 restarts per minute
        assertThat(get(hub.call("x", "ping", CALL))).isEqualTo("pong");
        failure(hub.call("x", "crash", CALL)); // third crash in the window: removed
        assertThat(await(Awaits.WAIT, () -> hub.childLookup("x").isEmpty())).as("child unregistered").isTrue();
        assertThat(removed).contains("x");
        assertThat(failure(hub.call("x", "ping", CALL))).isInstanceOf(org.processhub.api.ChildNotFoundException.class);
    }

    @Test
    @WithFactoryConfiguration(factoryPid = "org.processhub.hub", name = "temp", location = "?",
            properties = @Property(key = "hub.id", value = "temp"))
    void aTemporaryChildIsNotRestarted(@InjectService(filter = "(hub.id=temp)", timeout = 30_000) ProcessHub hub) throws Exception {
        get(hub.startChild(ChildSpec.of("t", "crasher").withRestart(RestartPolicy.TEMPORARY)));
        ProcessRef before = hub.childLookup("t").orElseThrow().refs().get(0);
        assertThat(before.childId()).isEqualTo("t");
        failure(hub.call("t", "crash", CALL));
        assertThat(await(Awaits.WAIT, () -> hub.childLookup("t").isEmpty())).isTrue();
    }
}
