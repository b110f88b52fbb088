package org.processhub.strategy.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.processhub.strategy.quorum.Views.members;
import static org.processhub.strategy.quorum.Views.startup;

import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
