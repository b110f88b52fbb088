package org.processhub.strategy.quorum;

import org.processhub.testing.DsConfig;
import org.processhub.testing.FakeLogger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.processhub.strategy.quorum.Views.NOW;
import static org.processhub.strategy.quorum.Views.split;
import static org.processhub.strategy.quorum.Views.startup;
import static org.processhub.strategy.quorum.Views.withDepartures;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.processhub.api.NodeId;
import org.processhub.api.strategy.MembershipView;
import org.processhub.api.strategy.MembershipView.Departure;

class DynamicQuorumStrategyTest {
    // Elixir "dynamic quorum with min of 70% of cluster": quorum_size 80, threshold_time 3600 s
    final DynamicQuorumStrategy s = new DynamicQuorumStrategy(80, Duration.ofSeconds(3600));

    @Test
    void tenConnectedNoneDown() {
        assertThat(s.hasQuorum(split(10, 0, 0))).isTrue();
    }

    @Test
    void ninePlusOneIsNinetyPercent() {
        assertThat(s.hasQuorum(split(9, 1, 10))).isTrue();
    }

    @Test
    void eightPlusTwoIsExactlyEightyPercentAndStillFine() {
        assertThat(s.hasQuorum(split(8, 2, 10))).isTrue();
    }

    @Test
    void sevenPlusThreeIsSeventyPercentAndPartitioned() {
        assertThat(s.hasQuorum(split(7, 3, 10))).isFalse();
    }

    @Test
    void departuresOlderThanTheThresholdDoNotCount() {
        assertThat(s.hasQuorum(split(7, 3, 3601))).isTrue();
        assertThat(s.hasQuorum(split(7, 3, 3600))).isFalse(); // exactly at the threshold still counts
        List<Departure> mixed = List.of(new Departure(NodeId.of("d01"), NOW.minusSeconds(7200)),
                new Departure(NodeId.of("d02"), NOW.minusSeconds(5000)),
                new Departure(NodeId.of("d03"), NOW.minusSeconds(60)),
                new Departure(NodeId.of("d04"), NOW.minusSeconds(30)));
        assertThat(s.hasQuorum(withDepartures(8, mixed))).isTrue();  // 8 + 2 recent = 80%
        assertThat(s.hasQuorum(withDepartures(7, mixed))).isFalse(); // 7 + 2 recent = 77%
    }

    @Test
    void aDepartedNodeThatRejoinedDoesNotCount() {
        // n08 left a minute ago and is a member again: only d01 and d02 are down, 8 + 2 = 80%
        List<Departure> departures = List.of(new Departure(NodeId.of("n08"), NOW.minusSeconds(60)),
                new Departure(NodeId.of("d01"), NOW.minusSeconds(50)),
                new Departure(NodeId.of("d02"), NOW.minusSeconds(40)));
        assertThat(s.hasQuorum(withDepartures(8, departures))).isTrue();
    }

    @Test
    void duplicatesOfOneNodeCountOnce() {
        List<Departure> departures = List.of(new Departure(NodeId.of("d01"), NOW.minusSeconds(300)),
                new Departure(NodeId.of("d01"), NOW.minusSeconds(200)),
                new Departure(NodeId.of("d01"), NOW.minusSeconds(100)),
                new Departure(NodeId.of("d02"), NOW.minusSeconds(100)));
        assertThat(s.hasQuorum(withDepartures(8, departures))).isTrue();  // 2 down, not 4
        assertThat(s.hasQuorum(withDepartures(7, departures))).isFalse(); // 2 down of 9
    }

    @Test
    void startupAlwaysHasQuorum() {
        assertThat(s.hasQuorum(startup(1))).isTrue();
        MembershipView startingAfterLosses = new MembershipView(NodeId.of("n01"), Views.nodes("n", 1),
                split(1, 9, 10).departures(), 10, NOW, true);
        assertThat(s.hasQuorum(startingAfterLosses)).isTrue();
    }

    @Test
    void boundariesAreExactIntegers() {
        // 100% allows no loss; 1% survives anything but total loss of the others
        DynamicQuorumStrategy all = new DynamicQuorumStrategy(100, Duration.ofSeconds(30));
        assertThat(all.hasQuorum(split(5, 0, 1))).isTrue();
        assertThat(all.hasQuorum(split(99, 1, 1))).isFalse();
        DynamicQuorumStrategy one = new DynamicQuorumStrategy(1, Duration.ofSeconds(30));
        assertThat(one.hasQuorum(split(1, 99, 1))).isTrue();  // exactly 1%
        assertThat(one.hasQuorum(split(1, 100, 1))).isFalse(); // 0.99%
        // 2/3 = 66.67%: fine at 66, not at 67 (no rounding up)
        assertThat(new DynamicQuorumStrategy(66, Duration.ofSeconds(30)).hasQuorum(split(2, 1, 1))).isTrue();
        assertThat(new DynamicQuorumStrategy(67, Duration.ofSeconds(30)).hasQuorum(split(2, 1, 1))).isFalse();
    }

    @Test
    void zeroThresholdCountsOnlyDeparturesAtThisInstant() {
        DynamicQuorumStrategy z = new DynamicQuorumStrategy(80, Duration.ZERO);
        assertThat(z.hasQuorum(split(7, 3, 1))).isTrue();
        assertThat(z.hasQuorum(split(7, 3, 0))).isFalse();
    }

    @Test
    void validationNamesTheOption() {
        assertThatThrownBy(() -> new DynamicQuorumStrategy(0, Duration.ofSeconds(30))).hasMessageStartingWith("option quorum.size:");
        assertThatThrownBy(() -> new DynamicQuorumStrategy(101, Duration.ofSeconds(30))).hasMessageStartingWith("option quorum.size:");
        assertThatThrownBy(() -> new DynamicQuorumStrategy(80, Duration.ofSeconds(-1))).hasMessageStartingWith("option threshold.time:");
    }

    @Test
    void activationRequiresQuorumSizeAndDefaultsTheThreshold() {
        assertThatThrownBy(() -> activate(Map.of("threshold.time", "60")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option quorum.size:")
                .hasMessageContaining("required");
        assertThatThrownBy(() -> activate(Map.of("quorum.size", "80", "threshold.time", "30s")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option threshold.time:");
        DynamicQuorumStrategy d = activate(Map.of("quorum.size", "80", "hub.id", "orders"));
        assertThat(d.name()).isEqualTo("dynamic-quorum");
        assertThat(d.options()).isEqualTo(Map.of("quorum.size", "80", "threshold.time", "30"));
        assertThat(d.hasQuorum(split(7, 3, 31))).isTrue();
        assertThat(d.hasQuorum(split(7, 3, 29))).isFalse();
    }

    private static DynamicQuorumStrategy activate(Map<String, Object> props) {
        return new DynamicQuorumStrategy(DsConfig.of(DynamicQuorumStrategy.Config.class, props), props);
    }

    // ---- configuration updates (DS @Modified)

    static final String PID = "org.processhub.strategy.quorum.dynamic~default";

    /** Configuration properties as SCR hands them over: the given options plus the service.pid. */
    static Map<String, Object> props(Object... keysAndValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", PID);
        for (int i = 0; i < keysAndValues.length; i += 2) p.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return p;
    }

    static void modify(DynamicQuorumStrategy s, Map<String, Object> props) {
        s.modified(DsConfig.of(DynamicQuorumStrategy.Config.class, props), props);
    }

    @Test
    void aValidUpdateChangesTheRunningInstancesThreshold() throws Exception {
        DynamicQuorumStrategy d = activate(props("quorum.size", "80"));
        FakeLogger log = FakeLogger.injectInto(d);
        assertThat(d.hasQuorum(split(7, 3, 10))).isFalse(); // 70% < 80%

        modify(d, props("quorum.size", "70", "threshold.time", "5"));
        assertThat(d.options()).isEqualTo(Map.of("quorum.size", "70", "threshold.time", "5"));
        assertThat(d.hasQuorum(split(7, 3, 10))).isTrue();  // 70% >= 70%
        assertThat(d.hasQuorum(split(6, 4, 10))).isTrue();  // left 10 s ago: beyond the new 5 s threshold
        assertThat(d.hasQuorum(split(6, 4, 4))).isFalse();  // 60% < 70%
        assertThat(log.lines).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "(unset)", value = {
            "-3      | 60  | option quorum.size: -3 must be a percentage 1..100",
            "101     | 60  | option quorum.size: 101 must be a percentage 1..100",
            "(unset) | 60  | option quorum.size: required, not configured",
            "70      | 30s | option threshold.time: cannot convert the configured value",
            "70      | -1  | option threshold.time: -1 s must be 0..31622400"})
    void anInvalidUpdateIsRejectedAndTheLastGoodOptionsStay(String quorum, String threshold, String reason) throws Exception {
        DynamicQuorumStrategy d = activate(props("quorum.size", "80"));
        FakeLogger log = FakeLogger.injectInto(d);
        Map<String, String> good = d.options();

        Map<String, Object> update = props("threshold.time", threshold);
        if (quorum != null) update.put("quorum.size", quorum);
        modify(d, update);
        assertThat(d.options()).isEqualTo(good);
        assertThat(d.hasQuorum(split(7, 3, 29))).isFalse(); // still 80% and 30 s
        assertThat(d.hasQuorum(split(7, 3, 31))).isTrue();
        assertThat(log.lines).singleElement().asString().startsWith("ERROR dynamic-quorum strategy '" + PID
                + "': configuration rejected, keeping the last good one: " + reason);
    }

    @Test
    void withoutTheDsLoggerAnInvalidUpdateIsIgnoredWithoutThrowing() {
        DynamicQuorumStrategy d = activate(props("quorum.size", "80"));
        modify(d, props("quorum.size", "0"));
        assertThat(d.options()).containsEntry("quorum.size", "80");
    }
}
