package org.processhub.strategy.hotswap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.processhub.api.strategy.MigrationStrategy.Plan;

class HotSwapStrategyTest {
    @Test
    void defaultsStartFirstWithoutHandoverAndFiveSecondsRetention() {
        HotSwapStrategy s = new HotSwapStrategy();
        assertThat(s.name()).isEqualTo("hotswap");
        assertThat(s.plan()).isEqualTo(new Plan(true, false, Duration.ofMillis(5000)));
        assertThat(s.options()).isEqualTo(Map.of("retention", "5000", "handover", "false"));
    }

    @Test
    void planCarriesTheOptions() {
        HotSwapStrategy s = new HotSwapStrategy(Duration.ofMillis(1234), true);
        assertThat(s.plan().startBeforeStop()).isTrue();
        assertThat(s.plan().handover()).isTrue();
        assertThat(s.plan().retention()).isEqualTo(Duration.ofMillis(1234));
        assertThat(s.options()).isEqualTo(Map.of("retention", "1234", "handover", "true"));
        assertThat(new HotSwapStrategy(Duration.ZERO, false).plan()).isEqualTo(new Plan(true, false, Duration.ZERO));
    }

    @Test
    void negativeRetentionNamesTheOption() {
        assertThatThrownBy(() -> new HotSwapStrategy(Duration.ofMillis(-1), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option retention:");
    }

    @Test
    void activationReadsTheConfiguration() {
        assertThat(new HotSwapStrategy(DsConfig.of(HotSwapStrategy.Config.class, Map.of())).plan())
                .isEqualTo(new HotSwapStrategy().plan());
        // FileInstall .cfg values arrive as strings
        HotSwapStrategy s = new HotSwapStrategy(DsConfig.of(HotSwapStrategy.Config.class,
                Map.of("retention", "250", "handover", "true", "hub.id", "orders")));
        assertThat(s.plan()).isEqualTo(new Plan(true, true, Duration.ofMillis(250)));

        assertThatThrownBy(() -> new HotSwapStrategy(DsConfig.of(HotSwapStrategy.Config.class, Map.of("retention", "-5"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option retention:");
        assertThatThrownBy(() -> new HotSwapStrategy(DsConfig.of(HotSwapStrategy.Config.class, Map.of("retention", "5s"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option retention:")
                .hasMessageContaining("5s");
    }
}
