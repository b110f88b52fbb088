package org.processhub.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.processhub.itest.Awaits.failure;
import static org.processhub.itest.Awaits.get;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.annotation.Property;
import org.osgi.test.common.annotation.config.WithFactoryConfiguration;
import org.osgi.test.common.service.ServiceAware;
import org.osgi.test.junit5.cm.ConfigurationExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.processhub.api.AlreadyStartedException;
import org.processhub.api.ChildInfo;
import org.processhub.api.ChildNotFoundException;
import org.processhub.api.ChildSpec;
import org.processhub.api.ErrorCode;
import org.processhub.api.HubNotAliveException;
import org.processhub.api.InvalidPayloadException;
import org.processhub.api.InvalidSpecException;
import org.processhub.api.NoChildrenException;
import org.processhub.api.OnFailure;
import org.processhub.api.ProcessHub;
import org.processhub.api.Scope;
import org.processhub.api.StartOptions;
import org.processhub.api.StartResult;
import org.processhub.api.StopResult;
import org.processhub.api.UnknownFactoryException;

/** A hub made from a factory configuration, used through its service: start, lookup, call, stop, errors. */
@ExtendWith({ConfigurationExtension.class, ServiceExtension.class})
class HubLifecycleIT {
    static final Duration CALL = Duration.ofSeconds(10);

    @Test
    @WithFactoryConfiguration(factoryPid = "org.processhub.hub", name = "life", location = "?",
            properties = @Property(key = "hub.id", value = "life"))
    void aHubFromConfigurationStartsLooksUpCallsAndStopsChildren(
            @InjectService(filter = "(hub.id=life)", timeout = 30_000) ProcessHub hub) throws Exception {
        assertThat(hub.hubId()).isEqualTo("life");
        assertThat(hub.isAlive()).isTrue();
        assertThat(hub.nodes(true)).containsExactly(hub.localNode());

        StartResult r = get(hub.startChild(ChildSpec.of("c1", "counter", Map.of("start", "10"))));
        assertThat(r.isOk()).isTrue();
        assertThat(r.started()).singleElement().satisfies(s -> assertThat(s.refs()).singleElement()
                .satisfies(ref -> assertThat(ref.node()).isEqualTo(hub.localNode())));
        ChildInfo row = hub.childLookup("c1").orElseThrow();
        assertThat(row.spec().factory()).isEqualTo("counter");
        assertThat(row.nodes()).containsExactly(hub.localNode());
        assertThat(hub.registry()).containsOnlyKeys("c1");
        assertThat(get(hub.call("c1", "incr", CALL))).isEqualTo(11L);
        hub.cast("c1", "incr");
        assertThat(get(hub.call("c1", "get", CALL))).isEqualTo(12L); // the cast was handled first: same mailbox
        assertThat(get(hub.whichChildren(Scope.LOCAL)).get(hub.localNode())).singleElement()
                .satisfies(ref -> assertThat(ref.childId()).isEqualTo("c1"));

        StopResult s = get(hub.stopChild("c1"));
        assertThat(s.stopped()).singleElement().satisfies(x -> assertThat(x.nodes()).containsExactly(hub.localNode()));
        assertThat(hub.childLookup("c1")).isEmpty();
        assertThat(failure(hub.call("c1", "get", CALL))).isInstanceOf(ChildNotFoundException.class);
    }

    @Test
    @WithFactoryConfiguration(factoryPid = "org.processhub.hub", name = "errors", location = "?",
            properties = @Property(key = "hub.id", value = "errors"))
    void badInputGivesTypedErrorsAndChangesNothing(
            @InjectService(filter = "(hub.id=errors)", timeout = 30_000) ProcessHub hub) throws Exception {
        get(hub.startChild(ChildSpec.of("dup", "kv")));
        AlreadyStartedException already = (AlreadyStartedException) failure(hub.startChild(ChildSpec.of("dup", "kv")));
        assertThat(already.childIds()).containsExactly("dup");
        assertThat(already.code()).isEqualTo(ErrorCode.ALREADY_STARTED);

        assertThat(failure(hub.startChildren(List.of(), StartOptions.DEFAULTS))).isInstanceOf(NoChildrenException.class);
        assertThat(failure(hub.stopChildren(List.of(), org.processhub.api.StopOptions.DEFAULTS))).isInstanceOf(NoChildrenException.class);
        assertThat(failure(hub.startChild(ChildSpec.of("u1", "no-such-factory")))).isInstanceOf(UnknownFactoryException.class)
                .hasMessageContaining("no-such-factory");
        assertThat(failure(hub.startChildren(List.of(ChildSpec.of("d", "kv"), ChildSpec.of("d", "kv")), StartOptions.DEFAULTS)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("'d'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChildSpec.of("bad id", "kv"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("whitespace");
        assertThat(failure(hub.call("dup", new Object(), CALL))).isInstanceOf(InvalidPayloadException.class);
        assertThat(hub.registry()).containsOnlyKeys("dup"); // nothing half-done

        // check_existing=false lets the request through; the owner reports the duplicate per child
        StartResult again = get(hub.startChildren(List.of(ChildSpec.of("dup", "kv")), StartOptions.DEFAULTS.withCheckExisting(false)));
        assertThat(again.errors()).singleElement().satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_STARTED));

        // stopping an unknown child is a per-child NOT_FOUND
        StopResult stop = get(hub.stopChild("never-started"));
        assertThat(stop.errors()).singleElement().satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    @WithFactoryConfiguration(factoryPid = "org.processhub.hub", name = "rollback", location = "?",
            properties = @Property(key = "hub.id", value = "rollback"))
    void rollbackStopsWhatAFailedBatchStarted(
            @InjectService(filter = "(hub.id=rollback)", timeout = 30_000) ProcessHub hub) throws Exception {
        // "boom" is started with a start argument the counter cannot parse: its init fails
        List<ChildSpec> batch = List.of(ChildSpec.of("ok1", "counter"), ChildSpec.of("ok2", "counter"),
                ChildSpec.of("boom", "counter", Map.of("start", "not-a-number")));
        StartResult kept = get(hub.startChildren(batch, StartOptions.DEFAULTS));
        assertThat(kept.rolledBack()).isFalse();
        assertThat(kept.started()).extracting(StartResult.Started::childId).containsExactlyInAnyOrder("ok1", "ok2");
        assertThat(kept.errors()).singleElement().satisfies(e -> {
            assertThat(e.childId()).isEqualTo("boom");
            assertThat(e.code()).isEqualTo(ErrorCode.INIT_FAILED);
        });
        get(hub.stopChildren(List.of("ok1", "ok2"), org.processhub.api.StopOptions.DEFAULTS));

        StartResult rolled = get(hub.startChildren(batch, StartOptions.DEFAULTS.withOnFailure(OnFailure.ROLLBACK)));
        assertThat(rolled.rolledBack()).isTrue();
        assertThat(rolled.started()).isEmpty();
        assertThat(rolled.errors()).extracting(e -> e.childId()).containsExactly("boom");
        assertThat(hub.registry()).isEmpty();
    }

    @Test
    @WithFactoryConfiguration(factoryPid = "org.processhub.hub", name = "two-a", location = "?",
            properties = @Property(key = "hub.id", value = "two-a"))
    @WithFactoryConfiguration(factoryPid = "org.processhub.hub", name = "two-b", location = "?",
            properties = @Property(key = "hub.id", value = "two-b"))
    void twoHubsOnOneNodeAreIndependent(
            @InjectService(filter = "(hub.id=two-a)", timeout = 30_000) ProcessHub a,
            @InjectService(filter = "(hub.id=two-b)", timeout = 30_000) ServiceAware<ProcessHub> bAware) throws Exception {
        ProcessHub b = bAware.getService();
        get(a.startChild(ChildSpec.of("same", "counter", Map.of("start", "100"))));
        get(b.startChild(ChildSpec.of("same", "counter")));
        assertThat(get(a.call("same", "incr", CALL))).isEqualTo(101L);
        assertThat(get(b.call("same", "incr", CALL))).isEqualTo(1L);
        get(a.startChild(ChildSpec.of("only-a", "kv")));
        assertThat(b.childLookup("only-a")).isEmpty();
        get(b.stopChild("same"));
        assertThat(a.childLookup("same")).isPresent();
        assertThat(get(a.call("same", "get", CALL))).isEqualTo(101L);
    }

    @Test
    void deletingTheConfigurationStopsTheHubAndAKeptReferenceRefusesRequests(
            @InjectService org.osgi.service.cm.ConfigurationAdmin cm,
            @InjectService(filter = "(hub.id=gone)", cardinality = 0) ServiceAware<ProcessHub> gone) throws Exception {
        org.osgi.service.cm.Configuration c = cm.getFactoryConfiguration("org.processhub.hub", "gone", "?");
        c.update(new java.util.Hashtable<>(Map.of("hub.id", "gone")));
        ProcessHub hub = gone.waitForService(30_000);
        assertThat(hub).isNotNull();
        get(hub.startChild(ChildSpec.of("g1", "kv")));
        c.delete();
        assertThat(Awaits.await(Awaits.WAIT, () -> gone.isEmpty())).as("service unregistered").isTrue();
        assertThat(Awaits.await(Awaits.WAIT, () -> !hub.isAlive())).as("hub stopped").isTrue();
        assertThat(failure(hub.startChild(ChildSpec.of("g2", "kv")))).isInstanceOf(HubNotAliveException.class);
        assertThat(failure(hub.call("g1", "get a", CALL))).isInstanceOf(HubNotAliveException.class);
    }
}
