package org.processhub.runtime.internal.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HubSettingsTest {
    @Test
    void readsOptionsWithDefaults() {
        HubSettings s = HubSettings.from(Map.of("hub.id", "orders", "restart.max", "7", "mailbox.capacity", 10));
        assertThat(s.hubId()).isEqualTo("orders");
        assertThat(s.supervisor().maxRestarts()).isEqualTo(7);
        assertThat(s.supervisor().mailboxCapacity()).isEqualTo(10);
        assertThat(s.announceInterval()).isEqualTo(HubSettings.DEFAULT_ANNOUNCE_INTERVAL);
        assertThat(s.describe()).startsWith("restart.max=7,");
    }

    @Test
    void rejectsBadValuesNamingTheOption() {
        assertThatThrownBy(() -> HubSettings.from(Map.of())).hasMessageContaining("hub.id");
        assertThatThrownBy(() -> HubSettings.from(Map.of("hub.id", "has space"))).hasMessageContaining("hub.id");
        assertThatThrownBy(() -> HubSettings.from(Map.of("hub.id", "h", "restart.max", "-1"))).hasMessageContaining("restart.max");
        assertThatThrownBy(() -> HubSettings.from(Map.of("hub.id", "h", "deadlock.timeout.ms", "soon")))
                .hasMessageContaining("deadlock.timeout.ms").hasMessageContaining("soon");
    }
}
