package org.processhub.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.processhub.itest.Awaits.await;
import static org.processhub.itest.Awaits.get;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.annotation.Property;
import org.osgi.test.common.annotation.config.WithFactoryConfiguration;
import org.osgi.test.junit5.cm.ConfigurationExtension;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.processhub.api.ChildSpec;
import org.processhub.api.DuplicateHookException;
import org.processhub.api.ProcessHub;
import org.processhub.api.ProcessRef;
import org.processhub.api.hook.ChildStartOutcome;
import org.processhub.api.hook.Hook;
import org.processhub.api.hook.HookHandler;
import org.processhub.api.hook.RegistryChange;
import org.processhub.api.hook.RegistryRemoval;

/** Hooks fire with their typed payloads, in priority order; cancelled ones stop; whiteboard and EventAdmin get them too. */
@ExtendWith({BundleContextExtension.class, ConfigurationExtension.class, ServiceExtension.class})
class HooksIT {
    @Test
    @WithFactoryConfiguration(factoryPid = "org.processhub.hub", name = "hooks", location = "?",
            properties = @Property(key = "hub.id", value = "hooks"))
    void programmaticHandlersGetTypedPayloadsInPriorityOrderAndStopWhenCancelled(
            @InjectService(filter = "(hub.id=hooks)", timeout = 30_000) ProcessHub hub) throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        List<RegistryChange> inserted = new CopyOnWriteArrayList<>();
        List<RegistryRemoval> removed = new CopyOnWriteArrayList<>();
        List<List<ChildSpec>> pre = new CopyOnWriteArrayList<>();
        List<List<ChildStartOutcome>> post = new CopyOnWriteArrayList<>();
        hub.hooks().register(Hook.REGISTRY_PID_INSERTED, "low", 0, c -> calls.add("low:" + c.childId()));
        hub.hooks().register(Hook.REGISTRY_PID_INSERTED, "high", 50, c -> {
            calls.add("high:" + c.childId());
            inserted.add(c);
        });
        hub.hooks().register(Hook.REGISTRY_PID_REMOVED, "rm", 0, removed::add);
        hub.hooks().register(Hook.PRE_CHILDREN_START, "pre", 0, pre::add);
        hub.hooks().register(Hook.POST_CHILDREN_START, "post", 0, post::add);
        assertThatThrownBy(() -> hub.hooks().register(Hook.REGISTRY_PID_INSERTED, "low", 9, c -> {}))
                .isInstanceOf(DuplicateHookException.class);
        assertThat(hub.hooks().handlerIds(Hook.REGISTRY_PID_INSERTED)).containsExactly("high", "low");

        get(hub.startChild(ChildSpec.of("h1", "kv")));
        assertThat(await(Awaits.WAIT, () -> calls.size() == 2)).isTrue();
        assertThat(calls).containsExactly("high:h1", "low:h1");
        ProcessRef ref = hub.childLookup("h1").orElseThrow().refs().get(0);
        assertThat(inserted).singleElement().satisfies(c -> assertThat(c.refs()).containsExactly(ref));
        assertThat(pre).singleElement().satisfies(l -> assertThat(l).extracting(ChildSpec::id).containsExactly("h1"));
        assertThat(post).singleElement().satisfies(l -> assertThat(l).singleElement()
                .satisfies(o -> assertThat(o.ref()).contains(ref)));

        assertThat(hub.hooks().cancel(Hook.REGISTRY_PID_INSERTED, "low")).isTrue();
        get(hub.startChild(ChildSpec.of("h2", "kv")));
        assertThat(await(Awaits.WAIT, () -> calls.size() == 3)).isTrue();
        assertThat(calls).containsExactly("high:h1", "low:h1", "high:h2");

        get(hub.stopChild("h1"));
        assertThat(await(Awaits.WAIT, () -> removed.size() == 1)).isTrue();
        assertThat(removed.get(0)).isEqualTo(new RegistryRemoval("h1", List.of(hub.localNode())));
    }

    @Test
    @WithFactoryConfiguration(factoryPid = "org.processhub.hub", name = "wb", location = "?",
            properties = @Property(key = "hub.id", value = "wb"))
    void whiteboardHandlersAndEventAdminReceiveHooks(@InjectBundleContext BundleContext context,
            @InjectService(filter = "(hub.id=wb)", timeout = 30_000) ProcessHub hub) throws Exception {
        List<Object> whiteboard = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("processhub.hook", new String[] {"registry_pid_inserted", "registry_pid_removed"});
        props.put("processhub.hook.id", "wb-test");
        props.put("hub.id", "wb");
        context.registerService(HookHandler.class, (HookHandler<Object>) whiteboard::add, props);
        List<Event> events = new CopyOnWriteArrayList<>();
        context.registerService(EventHandler.class, events::add, new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC,
                "org/processhub/hook/*", EventConstants.EVENT_FILTER, "(hub.id=wb)")));
        assertThat(await(Awaits.WAIT, () -> hub.hooks().handlerIds(Hook.REGISTRY_PID_INSERTED).contains("wb-test"))).isTrue();

        get(hub.startChild(ChildSpec.of("w1", "counter")));
        get(hub.stopChild("w1"));
        assertThat(await(Awaits.WAIT, () -> whiteboard.size() == 2)).isTrue();
        assertThat(whiteboard.get(0)).isInstanceOf(RegistryChange.class);
        assertThat(whiteboard.get(1)).isEqualTo(new RegistryRemoval("w1", List.of(hub.localNode())));
        assertThat(await(Awaits.WAIT, () -> events.stream().anyMatch(e -> e.getTopic().equals("org/processhub/hook/REGISTRY_PID_REMOVED")))).isTrue();
        Event inserted = events.stream().filter(e -> e.getTopic().equals("org/processhub/hook/REGISTRY_PID_INSERTED")).findFirst().orElseThrow();
        assertThat(inserted.getProperty("hub.id")).isEqualTo("wb");
        assertThat(inserted.getProperty("payload")).isInstanceOf(RegistryChange.class);
    }
}
