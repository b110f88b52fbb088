package org.processhub.strategy.quorum;

import org.processhub.testing.DsConfig;
import org.processhub.testing.FakeLogger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.processhub.strategy.quorum.Views.members;
import static org.processhub.strategy.quorum.Views.startup;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MajorityQuorumStrategyTest {
    final MajorityQuorumStrategy tracking = new MajorityQuorumStrategy();

    @Test
    void aSingleNodeHasQuorum() {
        assertThat(tracking.hasQuorum(members(1))).isTrue();
    }

    @Test
    void twoSeenNeedsBoth() {
        assertThat(tracking.hasQuorum(members(2, 2))).isTrue();
        assertThat(tracking.hasQuorum(members(1, 2))).isFalse(); // the max is remembered after a leave
    }

    @Test
    void threeSeenNeedsTwoAndFiveSeenNeedsThree() {
        assertThat(tracking.hasQuorum(members(2, 3))).isTrue();
        assertThat(tracking.hasQuorum(members(1, 3))).isFalse();
        assertThat(tracking.hasQuorum(members(3, 5))).isTrue();
        assertThat(tracking.hasQuorum(members(2, 5))).isFalse();
    }

    @Test
    void tenSeenNeedsSix() {
        // Elixir "majority quorum with adaptive cluster sizing": 10 seen, down to 9, 7, 6: still fine
        assertThat(tracking.hasQuorum(members(9, 10))).isTrue();
        assertThat(tracking.hasQuorum(members(7, 10))).isTrue();
        assertThat(tracking.hasQuorum(members(6, 10))).isTrue();
        assertThat(tracking.hasQuorum(members(5, 10))).isFalse();
    }

    @Test
    void withoutTrackingOnlyTheInitialSizeCounts() {
        MajorityQuorumStrategy fixed = new MajorityQuorumStrategy(3, false);
        assertThat(fixed.hasQuorum(members(2, 10))).isTrue(); // 10 seen is ignored: 2 >= 3/2+1
        assertThat(fixed.hasQuorum(members(1, 10))).isFalse();
        assertThat(new MajorityQuorumStrategy(1, false).hasQuorum(members(1, 10))).isTrue();
    }

    @Test
    void initialSizeFiveBlocksASingleNodeAndThreeAllowsTwo() {
        assertThat(new MajorityQuorumStrategy(5, true).hasQuorum(members(1, 1))).isFalse();
        assertThat(new MajorityQuorumStrategy(5, true).hasQuorum(members(3, 3))).isTrue();
        assertThat(new MajorityQuorumStrategy(3, true).hasQuorum(members(2, 2))).isTrue();
        // a larger size seen raises the bar above the initial one
        assertThat(new MajorityQuorumStrategy(3, true).hasQuorum(members(3, 7))).isFalse();
    }

    @Test
    void splitsKeepOnlyTheMajoritySide() {
        assertThat(tracking.hasQuorum(members(3, 5))).isTrue();
        assertThat(tracking.hasQuorum(members(2, 5))).isFalse();
        assertThat(tracking.hasQuorum(members(2, 3))).isTrue();
        assertThat(tracking.hasQuorum(members(1, 3))).isFalse();
    }

    @ParameterizedTest(name = "max seen {0}: quorum {1}")
    @CsvSource({"1,1", "2,2", "3,2", "4,3", "5,3", "6,4"})
    void atQuorumAndOneBelow(int maxSeen, int quorum) {
        assertThat(tracking.hasQuorum(members(quorum, maxSeen))).isTrue();
        if (quorum > 1) assertThat(tracking.hasQuorum(members(quorum - 1, maxSeen))).isFalse();
    }

    @Test
    void startupAlwaysHasQuorum() {
        assertThat(new MajorityQuorumStrategy(5, true).hasQuorum(startup(1))).isTrue();
    }

    @Test
    void validationOptionsAndActivation() {
        assertThatThrownBy(() -> new MajorityQuorumStrategy(0, true)).hasMessageStartingWith("option initial.cluster.size:");
        assertThat(tracking.name()).isEqualTo("majority-quorum");
        assertThat(tracking.options()).isEqualTo(Map.of("initial.cluster.size", "1", "track.max.size", "true"));
        MajorityQuorumStrategy configured = new MajorityQuorumStrategy(DsConfig.of(MajorityQuorumStrategy.Config.class,
                Map.of("initial.cluster.size", "5", "track.max.size", "false", "hub.id", "orders")));
        assertThat(configured.options()).isEqualTo(Map.of("initial.cluster.size", "5", "track.max.size", "false"));
        assertThat(new MajorityQuorumStrategy(DsConfig.of(MajorityQuorumStrategy.Config.class, Map.of())).options())
                .isEqualTo(tracking.options());
        assertThatThrownBy(() -> new MajorityQuorumStrategy(DsConfig.of(MajorityQuorumStrategy.Config.class,
                Map.of("initial.cluster.size", "five")))).hasMessageStartingWith("option initial.cluster.size:");
    }

    // ---- configuration updates (DS @Modified)

    static final String PID = "org.processhub.strategy.quorum.majority~default";

    /** Configuration properties as SCR hands them over: the given options plus the service.pid. */
    static Map<String, Object> props(Object... keysAndValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", PID);
        for (int i = 0; i < keysAndValues.length; i += 2) p.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return p;
    }

    static MajorityQuorumStrategy activate(Map<String, Object> props) {
        return new MajorityQuorumStrategy(DsConfig.of(MajorityQuorumStrategy.Config.class, props));
    }

    static void modify(MajorityQuorumStrategy s, Map<String, Object> props) {
        s.modified(DsConfig.of(MajorityQuorumStrategy.Config.class, props), props);
    }

    @Test
    void aValidUpdateChangesTheRunningInstancesThreshold() throws Exception {
        MajorityQuorumStrategy s = activate(props());
        FakeLogger log = FakeLogger.injectInto(s);
        assertThat(s.hasQuorum(members(1, 1))).isTrue();
        assertThat(s.hasQuorum(members(2, 10))).isFalse();

        modify(s, props("initial.cluster.size", "5", "track.max.size", "false"));
        assertThat(s.options()).isEqualTo(Map.of("initial.cluster.size", "5", "track.max.size", "false"));
        assertThat(s.hasQuorum(members(1, 1))).isFalse(); // needs 3 of 5
        assertThat(s.hasQuorum(members(3, 10))).isTrue();  // 10 seen no longer counts
        assertThat(log.lines).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0    | option initial.cluster.size: 0 must be at least 1",
            "-3   | option initial.cluster.size: -3 must be at least 1",
            "five | option initial.cluster.size: cannot convert the configured value"})
    void anInvalidUpdateIsRejectedAndTheLastGoodOptionsStay(String bad, String reason) throws Exception {
        MajorityQuorumStrategy s = activate(props("initial.cluster.size", "3"));
        FakeLogger log = FakeLogger.injectInto(s);
        Map<String, String> good = s.options();

        modify(s, props("initial.cluster.size", bad, "track.max.size", "false"));
        assertThat(s.options()).isEqualTo(good);
        assertThat(s.hasQuorum(members(2, 2))).isTrue();
        assertThat(s.hasQuorum(members(2, 5))).isFalse(); // still tracking the largest size seen
        assertThat(log.lines).singleElement().asString().startsWith("ERROR majority-quorum strategy '" + PID
                + "': configuration rejected, keeping the last good one: " + reason);
    }

    @Test
    void withoutTheDsLoggerAnInvalidUpdateIsIgnoredWithoutThrowing() {
        MajorityQuorumStrategy s = activate(props("initial.cluster.size", "3"));
        modify(s, props("initial.cluster.size", "0"));
        assertThat(s.options()).containsEntry("initial.cluster.size", "3");
    }
}
