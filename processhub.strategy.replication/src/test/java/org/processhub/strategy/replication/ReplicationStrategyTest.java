package org.processhub.strategy.replication;

import org.processhub.testing.DsConfig;
import org.processhub.testing.FakeLogger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.processhub.api.Mode;
import org.processhub.api.NodeId;
import org.processhub.api.strategy.RedundancyStrategy.Signal;

class ReplicationStrategyTest {
    static final List<NodeId> REPLICAS = List.of(NodeId.of("n3"), NodeId.of("n1"), NodeId.of("n2"));

    static ReplicationStrategy factor(String factor) {
        return new ReplicationStrategy(factor, "active_active", "none");
    }

    @Test
    void defaultsAreTwoActiveActiveNoSignal() {
        ReplicationStrategy s = new ReplicationStrategy();
        assertThat(s.name()).isEqualTo("replication");
        assertThat(s.replicationFactor(5)).isEqualTo(2);
        assertThat(s.model()).isEqualTo(ReplicationStrategy.Model.ACTIVE_ACTIVE);
        assertThat(s.signal()).isEqualTo(Signal.NONE);
    }

    @Test
    void aNumericFactorIsFixedWhateverTheClusterSize() {
        assertThat(factor("1").replicationFactor(4)).isEqualTo(1);
        assertThat(factor("3").replicationFactor(1)).isEqualTo(3); // the runtime caps it, not the strategy
        assertThat(factor(" 5 ").replicationFactor(10)).isEqualTo(5);
    }

    @Test
    void clusterSizeFollowsTheCluster() {
        ReplicationStrategy s = factor("cluster_size");
        assertThat(s.replicationFactor(1)).isEqualTo(1);
        assertThat(s.replicationFactor(7)).isEqualTo(7);
        assertThat(s.options()).containsEntry("replication.factor", "cluster_size");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "two", "", "1.5", "+2", "cluster", "99999999999"})
    void badFactorsNameTheOption(String bad) {
        assertThatThrownBy(() -> factor(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option replication.factor:").hasMessageContaining("'" + bad + "'");
    }

    @Test
    void nullFactorIsRejected() {
        assertThatThrownBy(() -> factor(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option replication.factor:");
    }

    @Test
    void modelsParseAndBadOnesNameTheOption() {
        assertThat(new ReplicationStrategy("2", "active_passive", "none").model()).isEqualTo(ReplicationStrategy.Model.ACTIVE_PASSIVE);
        assertThat(new ReplicationStrategy("2", "ACTIVE_ACTIVE", "none").model()).isEqualTo(ReplicationStrategy.Model.ACTIVE_ACTIVE);
        assertThatThrownBy(() -> new ReplicationStrategy("2", "active-passive", "none"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option replication.model:")
                .hasMessageContaining("active_active, active_passive");
    }

    @Test
    void signalsParseAndDeliverTheirModes() {
        assertThat(new ReplicationStrategy("2", "active_passive", "none").signal()).isEqualTo(Signal.NONE);
        assertThat(new ReplicationStrategy("2", "active_passive", "active").signal()).isEqualTo(Signal.ACTIVE);
        assertThat(new ReplicationStrategy("2", "active_passive", "passive").signal()).isEqualTo(Signal.PASSIVE);
        assertThat(new ReplicationStrategy("2", "active_passive", "all").signal()).isEqualTo(Signal.ALL);

        assertThat(Signal.NONE.delivers(Mode.ACTIVE)).isFalse();
        assertThat(Signal.NONE.delivers(Mode.PASSIVE)).isFalse();
        assertThat(Signal.ACTIVE.delivers(Mode.ACTIVE)).isTrue();
        assertThat(Signal.ACTIVE.delivers(Mode.PASSIVE)).isFalse();
        assertThat(Signal.PASSIVE.delivers(Mode.ACTIVE)).isFalse();
        assertThat(Signal.PASSIVE.delivers(Mode.PASSIVE)).isTrue();
        assertThat(Signal.ALL.delivers(Mode.ACTIVE)).isTrue();
        assertThat(Signal.ALL.delivers(Mode.PASSIVE)).isTrue();

        assertThatThrownBy(() -> new ReplicationStrategy("2", "active_passive", "both"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option redundancy.signal:")
                .hasMessageContaining("none, active, passive, all");
    }

    @Test
    void activePassiveMakesTheRingPrimaryActive() {
        ReplicationStrategy s = new ReplicationStrategy("3", "active_passive", "all");
        assertThat(s.activeReplica("c1", REPLICAS)).contains(NodeId.of("n3"));
        assertThat(s.activeReplica("other", REPLICAS)).contains(NodeId.of("n3")); // the list order decides, not the id
        // the primary's node died: the ring's next owner, already a replica, becomes active
        assertThat(s.activeReplica("c1", REPLICAS.subList(1, 3))).contains(NodeId.of("n1"));
        assertThat(s.activeReplica("c1", List.of())).isEmpty();
    }

    @Test
    void activeActiveHasNoSingleActiveReplica() {
        ReplicationStrategy s = new ReplicationStrategy("3", "active_active", "all");
        assertThat(s.activeReplica("c1", REPLICAS)).isEmpty();
        assertThat(s.activeReplica("c1", List.of())).isEmpty();
    }

    @Test
    void optionsShowAllThreeInCanonicalForm() {
        assertThat(new ReplicationStrategy(" 3", "Active_Passive", "ALL").options()).isEqualTo(Map.of(
                "replication.factor", "3", "replication.model", "active_passive", "redundancy.signal", "all"));
        assertThat(new ReplicationStrategy().options()).isEqualTo(Map.of(
                "replication.factor", "2", "replication.model", "active_active", "redundancy.signal", "none"));
    }

    @Test
    void activationReadsTheConfigurationWithItsDefaults() {
        ReplicationStrategy defaults = new ReplicationStrategy(DsConfig.of(ReplicationStrategy.Config.class, Map.of()));
        assertThat(defaults.options()).isEqualTo(new ReplicationStrategy().options());

        ReplicationStrategy configured = new ReplicationStrategy(DsConfig.of(ReplicationStrategy.Config.class, Map.of(
                "replication.factor", 4, "replication.model", "active_passive", "redundancy.signal", "active",
                "hub.id", "orders")));
        assertThat(configured.replicationFactor(9)).isEqualTo(4);
        assertThat(configured.activeReplica("c", REPLICAS)).contains(NodeId.of("n3"));
        assertThat(configured.signal()).isEqualTo(Signal.ACTIVE);
        assertThat(configured.options()).doesNotContainKey("hub.id");

        assertThatThrownBy(() -> new ReplicationStrategy(DsConfig.of(ReplicationStrategy.Config.class,
                Map.of("replication.factor", "0")))).hasMessageStartingWith("option replication.factor:");
    }

    // ---- configuration updates (DS @Modified)

    static final String PID = "org.processhub.strategy.replication~default";

    /** Configuration properties as SCR hands them over: the given options plus the service.pid. */
    static Map<String, Object> props(Object... keysAndValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", PID);
        for (int i = 0; i < keysAndValues.length; i += 2) p.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return p;
    }

    static ReplicationStrategy activate(Map<String, Object> props) {
        return new ReplicationStrategy(DsConfig.of(ReplicationStrategy.Config.class, props));
    }

    static void modify(ReplicationStrategy s, Map<String, Object> props) {
        s.modified(DsConfig.of(ReplicationStrategy.Config.class, props), props);
    }

    @Test
    void aValidUpdateChangesTheRunningInstance() throws Exception {
        ReplicationStrategy s = activate(props("replication.factor", "2"));
        FakeLogger log = FakeLogger.injectInto(s);
        assertThat(s.replicationFactor(9)).isEqualTo(2);
        assertThat(s.activeReplica("c1", REPLICAS)).isEmpty();

        modify(s, props("replication.factor", "3", "replication.model", "active_passive", "redundancy.signal", "all"));
        assertThat(s.options()).isEqualTo(Map.of(
                "replication.factor", "3", "replication.model", "active_passive", "redundancy.signal", "all"));
        assertThat(s.replicationFactor(9)).isEqualTo(3);
        assertThat(s.activeReplica("c1", REPLICAS)).contains(NodeId.of("n3"));
        assertThat(s.signal()).isEqualTo(Signal.ALL);

        modify(s, props("replication.factor", "cluster_size")); // the others back to their defaults
        assertThat(s.replicationFactor(9)).isEqualTo(9);
        assertThat(s.model()).isEqualTo(ReplicationStrategy.Model.ACTIVE_ACTIVE);
        assertThat(log.lines).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "two", ""})
    void anInvalidFactorIsRejectedAndTheLastGoodOptionsStay(String bad) throws Exception {
        ReplicationStrategy s = activate(props("replication.factor", "3", "replication.model", "active_passive"));
        FakeLogger log = FakeLogger.injectInto(s);
        Map<String, String> good = s.options();

        // the valid model change in the same update is not applied either: an update is taken whole or not at all
        modify(s, props("replication.factor", bad, "replication.model", "active_active"));
        assertThat(s.options()).isEqualTo(good);
        assertThat(s.replicationFactor(9)).isEqualTo(3);
        assertThat(s.activeReplica("c1", REPLICAS)).contains(NodeId.of("n3"));
        assertThat(log.lines).containsExactly("ERROR replication strategy '" + PID + "': configuration rejected, keeping "
                + "the last good one: option replication.factor: '" + bad + "' must be a whole number of at least 1 or cluster_size");
    }

    @Test
    void anInvalidModelOrSignalIsRejectedNamingTheOption() throws Exception {
        ReplicationStrategy s = activate(props("replication.factor", "4"));
        FakeLogger log = FakeLogger.injectInto(s);
        Map<String, String> good = s.options();

        modify(s, props("replication.factor", "5", "replication.model", "active-passive"));
        modify(s, props("replication.factor", "5", "redundancy.signal", "both"));
        assertThat(s.options()).isEqualTo(good);
        assertThat(s.replicationFactor(9)).isEqualTo(4);
        assertThat(log.lines).hasSize(2);
        assertThat(log.lines.get(0)).startsWith("ERROR replication strategy '" + PID + "': configuration rejected, "
                + "keeping the last good one: option replication.model: 'active-passive' must be one of");
        assertThat(log.lines.get(1)).contains("option redundancy.signal: 'both'");

        modify(s, props("replication.factor", "5")); // a later valid update still applies
        assertThat(s.replicationFactor(9)).isEqualTo(5);
        assertThat(log.lines).hasSize(2);
    }

    @Test
    void withoutTheDsLoggerAnInvalidUpdateIsIgnoredWithoutThrowing() {
        ReplicationStrategy s = activate(props("replication.factor", "3"));
        modify(s, props("replication.factor", "0"));
        assertThat(s.replicationFactor(9)).isEqualTo(3);
    }
}
