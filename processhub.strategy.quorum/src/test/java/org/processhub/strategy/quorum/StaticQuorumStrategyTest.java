package org.processhub.strategy.quorum;

import org.processhub.testing.DsConfig;
import org.processhub.testing.FakeLogger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.processhub.strategy.quorum.Views.members;
import static org.processhub.strategy.quorum.Views.startup;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StaticQuorumStrategyTest {
    @Test
    void quorumOfSevenAtSixSevenAndEightNodes() {
        // Elixir "static quorum with min of 7 nodes": 6 partitioned, 8 and 7 fine, back to 6 partitioned
        StaticQuorumStrategy s = new StaticQuorumStrategy(7, true);
        assertThat(s.hasQuorum(members(6))).isFalse();
        assertThat(s.hasQuorum(members(7))).isTrue();
        assertThat(s.hasQuorum(members(8))).isTrue();
    }

    @Test
    void startupRunsAnywayUnlessConfirmIsSet() {
        assertThat(new StaticQuorumStrategy(7, false).hasQuorum(startup(1))).isTrue();
        assertThat(new StaticQuorumStrategy(7, false).hasQuorum(startup(6))).isTrue();
        assertThat(new StaticQuorumStrategy(7, true).hasQuorum(startup(6))).isFalse();
        assertThat(new StaticQuorumStrategy(7, true).hasQuorum(startup(7))).isTrue();
        // after startup the count decides, with or without confirm
        assertThat(new StaticQuorumStrategy(7, false).hasQuorum(members(6))).isFalse();
    }

    @Test
    void quorumSizeMustBePositive() {
        assertThatThrownBy(() -> new StaticQuorumStrategy(0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option quorum.size:");
    }

    @Test
    void nameAndOptions() {
        StaticQuorumStrategy s = new StaticQuorumStrategy(3, true);
        assertThat(s.name()).isEqualTo("static-quorum");
        assertThat(s.options()).isEqualTo(Map.of("quorum.size", "3", "startup.confirm", "true"));
    }

    @Test
    void activationRequiresQuorumSize() {
        assertThatThrownBy(() -> activate(Map.of("startup.confirm", "true")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option quorum.size:")
                .hasMessageContaining("required");
        assertThatThrownBy(() -> activate(Map.of("quorum.size", "seven")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option quorum.size:");
        assertThatThrownBy(() -> activate(Map.of("quorum.size", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option quorum.size:");
        StaticQuorumStrategy s = activate(Map.of("quorum.size", "7", "hub.id", "orders"));
        assertThat(s.options()).isEqualTo(Map.of("quorum.size", "7", "startup.confirm", "false"));
    }

    private static StaticQuorumStrategy activate(Map<String, Object> props) {
        return new StaticQuorumStrategy(DsConfig.of(StaticQuorumStrategy.Config.class, props), props);
    }

    // ---- configuration updates (DS @Modified)

    static final String PID = "org.processhub.strategy.quorum.static~default";

    /** Configuration properties as SCR hands them over: the given options plus the service.pid. */
    static Map<String, Object> props(Object... keysAndValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", PID);
        for (int i = 0; i < keysAndValues.length; i += 2) p.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return p;
    }

    static void modify(StaticQuorumStrategy s, Map<String, Object> props) {
        s.modified(DsConfig.of(StaticQuorumStrategy.Config.class, props), props);
    }

    @Test
    void aValidUpdateChangesTheRunningInstancesThreshold() throws Exception {
        StaticQuorumStrategy s = activate(props("quorum.size", "3"));
        FakeLogger log = FakeLogger.injectInto(s);
        assertThat(s.hasQuorum(members(4))).isTrue();
        assertThat(s.hasQuorum(startup(1))).isTrue();

        modify(s, props("quorum.size", "5", "startup.confirm", "true"));
        assertThat(s.options()).isEqualTo(Map.of("quorum.size", "5", "startup.confirm", "true"));
        assertThat(s.hasQuorum(members(4))).isFalse();
        assertThat(s.hasQuorum(members(5))).isTrue();
        assertThat(s.hasQuorum(startup(1))).isFalse();
        assertThat(log.lines).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "(unset)", value = {
            "-3      | option quorum.size: -3 must be at least 1",
            "0       | option quorum.size: 0 must be at least 1",
            "seven   | option quorum.size: cannot convert the configured value",
            "(unset) | option quorum.size: required, not configured"})
    void anInvalidUpdateIsRejectedAndTheLastGoodOptionsStay(String bad, String reason) throws Exception {
        StaticQuorumStrategy s = activate(props("quorum.size", "3"));
        FakeLogger log = FakeLogger.injectInto(s);
        Map<String, String> good = s.options();

        Map<String, Object> update = props("startup.confirm", "true");
        if (bad != null) update.put("quorum.size", bad);
        modify(s, update);
        assertThat(s.options()).isEqualTo(good);
        assertThat(s.hasQuorum(members(3))).isTrue();
        assertThat(s.hasQuorum(members(2))).isFalse();
        assertThat(s.hasQuorum(startup(1))).isTrue(); // startup.confirm=true was not applied either
        assertThat(log.lines).singleElement().asString().startsWith("ERROR static-quorum strategy '" + PID
                + "': configuration rejected, keeping the last good one: " + reason);
    }

    @Test
    void withoutTheDsLoggerAnInvalidUpdateIsIgnoredWithoutThrowing() {
        StaticQuorumStrategy s = activate(props("quorum.size", "3"));
        modify(s, props("quorum.size", "-3"));
        assertThat(s.options()).containsEntry("quorum.size", "3");
    }
}
