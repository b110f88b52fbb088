package org.processhub.runtime.internal.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.processhub.api.DuplicateHookException;
import org.processhub.api.NodeId;
import org.processhub.api.hook.Hook;
import org.processhub.runtime.internal.log.Log;

class HookDispatcherTest {
    final HookDispatcher hooks = new HookDispatcher("h", Log.NONE);
    final List<String> calls = new ArrayList<>();

    @Test
    void handlersRunHighestPriorityFirstThenInRegistrationOrder() {
        hooks.register(Hook.CLUSTER_JOIN, "low", 0, n -> calls.add("low:" + n));
        hooks.register(Hook.CLUSTER_JOIN, "high", 100, n -> calls.add("high:" + n));
        hooks.register(Hook.CLUSTER_JOIN, "low2", 0, n -> calls.add("low2:" + n));
        hooks.fire(Hook.CLUSTER_JOIN, NodeId.of("x"));
        assertThat(calls).containsExactly("high:x", "low:x", "low2:x");
        assertThat(hooks.handlerIds(Hook.CLUSTER_JOIN)).containsExactly("high", "low", "low2");
    }

    @Test
    void duplicateIdsAreRejectedPerHook() {
        hooks.register(Hook.CLUSTER_JOIN, "a", 0, n -> {});
        assertThatThrownBy(() -> hooks.register(Hook.CLUSTER_JOIN, "a", 5, n -> {}))
                .isInstanceOf(DuplicateHookException.class).hasMessageContaining("'a'");
        hooks.register(Hook.CLUSTER_LEAVE, "a", 0, n -> {}); // same id on another hook is fine
    }

    @Test
    void cancelledHandlersNoLongerRun() {
        hooks.register(Hook.CLUSTER_LEAVE, "a", 0, n -> calls.add("a"));
        hooks.fire(Hook.CLUSTER_LEAVE, NodeId.of("x"));
        assertThat(hooks.cancel(Hook.CLUSTER_LEAVE, "a")).isTrue();
        assertThat(hooks.cancel(Hook.CLUSTER_LEAVE, "a")).isFalse();
        hooks.fire(Hook.CLUSTER_LEAVE, NodeId.of("x"));
        assertThat(calls).containsExactly("a");
        assertThat(hooks.wanted(Hook.CLUSTER_LEAVE)).isFalse();
    }

    @Test
    void aFailingHandlerDoesNotStopTheOthersAndTheSinkSeesWhatItWants() {
        List<String> published = new ArrayList<>();
        hooks.setSink(new HookDispatcher.Sink() {
            @Override
            public boolean wants(Hook<?> hook) {
                return hook != Hook.CLUSTER_LEAVE;
            }

            @Override
            public void publish(String hub, Hook<?> hook, Object payload) {
                published.add(hub + ":" + hook.name() + ":" + payload);
            }
        });
        hooks.register(Hook.CLUSTER_JOIN, "boom", 10, n -> {
            throw new IllegalStateException("boom");
        });
        hooks.register(Hook.CLUSTER_JOIN, "ok", 0, n -> calls.add("ok"));
        hooks.fire(Hook.CLUSTER_JOIN, NodeId.of("n1"));
        hooks.fire(Hook.CLUSTER_LEAVE, NodeId.of("n1"));
        assertThat(calls).containsExactly("ok");
        assertThat(published).as("only what the sink wants").containsExactly("h:cluster_join:n1");
        assertThat(hooks.wanted(Hook.CLUSTER_JOIN)).isTrue();
        assertThat(hooks.wanted(Hook.CLUSTER_LEAVE)).isFalse();
    }
}
