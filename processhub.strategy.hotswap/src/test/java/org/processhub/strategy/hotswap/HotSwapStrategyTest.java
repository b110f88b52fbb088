package org.processhub.strategy.hotswap;

import org.processhub.testing.DsConfig;
import org.processhub.testing.FakeLogger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    // ---- configuration updates (DS @Modified)

    static final String PID = "org.processhub.strategy.hotswap~default";

    /** Configuration properties as SCR hands them over: the given options plus the service.pid. */
    static Map<String, Object> props(Object... keysAndValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", PID);
        for (int i = 0; i < keysAndValues.length; i += 2) p.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return p;
    }

    static HotSwapStrategy activate(Map<String, Object> props) {
        return new HotSwapStrategy(DsConfig.of(HotSwapStrategy.Config.class, props));
    }

    static void modify(HotSwapStrategy s, Map<String, Object> props) {
        s.modified(DsConfig.of(HotSwapStrategy.Config.class, props), props);
    }

    @Test
    void aValidUpdateChangesTheRunningInstancesPlan() throws Exception {
        HotSwapStrategy s = activate(props("retention", "250"));
        FakeLogger log = FakeLogger.injectInto(s);
        assertThat(s.plan()).isEqualTo(new Plan(true, false, Duration.ofMillis(250)));

        modify(s, props("retention", "1000", "handover", "true"));
        assertThat(s.plan()).isEqualTo(new Plan(true, true, Duration.ofMillis(1000)));
        assertThat(s.options()).isEqualTo(Map.of("retention", "1000", "handover", "true"));
        assertThat(log.lines).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-3", "soon", "5s", ""})
    void anInvalidRetentionIsRejectedAndTheLastGoodPlanStays(String bad) throws Exception {
        HotSwapStrategy s = activate(props("retention", "250", "handover", "true"));
        FakeLogger log = FakeLogger.injectInto(s);
        Plan good = s.plan();

        modify(s, props("retention", bad, "handover", "false"));
        assertThat(s.plan()).isEqualTo(good);
        assertThat(s.options()).isEqualTo(Map.of("retention", "250", "handover", "true"));
        assertThat(log.lines).singleElement().asString()
                .startsWith("ERROR hotswap strategy '" + PID + "': configuration rejected, keeping the last good one: "
                        + "option retention: ")
                .contains(bad);

        modify(s, props("retention", "0")); // a later valid update still applies
        assertThat(s.plan()).isEqualTo(new Plan(true, false, Duration.ZERO));
    }

    @Test
    void withoutTheDsLoggerAnInvalidUpdateIsIgnoredWithoutThrowing() {
        HotSwapStrategy s = activate(props("retention", "250"));
        modify(s, props("retention", "soon"));
        assertThat(s.plan().retention()).isEqualTo(Duration.ofMillis(250));
    }
}
