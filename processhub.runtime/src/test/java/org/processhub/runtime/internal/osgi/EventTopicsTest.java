package org.processhub.runtime.internal.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.processhub.api.hook.Hook;

class EventTopicsTest {
    @Test
    void hooksAreWantedOnlyWhileAHandlerSubscribesToTheirTopic() {
        EventTopics t = new EventTopics();
        assertThat(Hook.all()).noneMatch(t::wants);
        t.put(1L, "org/processhub/hook/CLUSTER_JOIN");
        t.put(2L, new String[] {"org/osgi/*", "org/processhub/hook/PARTITION_CHANGED"});
        assertThat(Hook.all()).filteredOn(t::wants).containsExactlyInAnyOrder(Hook.CLUSTER_JOIN, Hook.PARTITION_CHANGED);
        t.put(3L, List.of("org/processhub/*"));
        assertThat(Hook.all()).allMatch(t::wants);
        t.remove(3L);
        t.put(2L, "org/processhub/hook/CLUSTER_LEAVE"); // its properties changed
        assertThat(Hook.all()).filteredOn(t::wants).containsExactlyInAnyOrder(Hook.CLUSTER_JOIN, Hook.CLUSTER_LEAVE);
        t.put(4L, "*");
        assertThat(Hook.all()).allMatch(t::wants);
        t.remove(4L);
        t.remove(1L);
        t.remove(2L);
        assertThat(Hook.all()).noneMatch(t::wants);
    }

    @Test
    void topicPatternsFollowEventAdmin() {
        assertThat(EventTopics.matches("org/processhub/hook/*", "org/processhub/hook/CLUSTER_JOIN")).isTrue();
        assertThat(EventTopics.matches("org/processhub/hook/CLUSTER_JOIN", "org/processhub/hook/CLUSTER_JOIN")).isTrue();
        assertThat(EventTopics.matches("org/processhub/hook/CLUSTER", "org/processhub/hook/CLUSTER_JOIN")).isFalse();
        assertThat(EventTopics.matches("org/processhub/hook*", "org/processhub/hook/CLUSTER_JOIN")).isFalse();
        assertThat(EventTopics.matches("org/processhub/hooks/*", "org/processhub/hook/CLUSTER_JOIN")).isFalse();
    }
}
