package org.processhub.strategy.gossip;

import org.processhub.testing.DsConfig;
import org.processhub.testing.FakeLogger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.processhub.api.NodeId;

class GossipStrategyTest {
    static final List<NodeId> MEMBERS = IntStream.rangeClosed(1, 10)
            .mapToObj(i -> NodeId.of(String.format("n%02d", i))).toList();
    static final NodeId SELF = MEMBERS.get(0);

    final GossipStrategy gossip = new GossipStrategy(); // 3 recipients

    @Test
    void nextHopsAvoidSelfAndReachedNodes() {
        Set<NodeId> reached = Set.of(SELF, MEMBERS.get(3), MEMBERS.get(7));
        Random random = new Random(1);
        for (int i = 0; i < 1000; i++) {
            Set<NodeId> hops = gossip.nextHops(SELF, MEMBERS, reached, random);
            assertThat(hops).hasSize(3).doesNotContainAnyElementsOf(reached).isSubsetOf(MEMBERS);
        }
        // self is excluded even if a caller forgets to put it in reached
        for (int i = 0; i < 100; i++) {
            assertThat(gossip.nextHops(SELF, MEMBERS, Set.of(), random)).doesNotContain(SELF).hasSize(3);
        }
    }

    @Test
    void sizeIsRecipientsOrWhatIsLeft() {
        Random random = new Random(2);
        assertThat(gossip.nextHops(SELF, MEMBERS, Set.of(SELF), random)).hasSize(3);
        Set<NodeId> allButTwo = new HashSet<>(MEMBERS.subList(0, 8));
        assertThat(gossip.nextHops(SELF, MEMBERS, allButTwo, random)).containsExactlyInAnyOrder(MEMBERS.get(8), MEMBERS.get(9));
        GossipStrategy wide = new GossipStrategy(Duration.ofSeconds(15), 20, true);
        assertThat(wide.nextHops(SELF, MEMBERS, Set.of(SELF), random)).hasSize(9);
        GossipStrategy one = new GossipStrategy(Duration.ofSeconds(15), 1, true);
        assertThat(one.nextHops(SELF, MEMBERS, Set.of(SELF), random)).hasSize(1);
    }

    @Test
    void emptyWhenEveryoneIsReached() {
        assertThat(gossip.nextHops(SELF, MEMBERS, Set.copyOf(MEMBERS), new Random(3))).isEmpty();
        assertThat(gossip.nextHops(SELF, List.of(SELF), Set.of(SELF), new Random(3))).isEmpty();
    }

    @Test
    void everyCandidateIsPickedAboutEquallyOften() {
        Set<NodeId> reached = Set.of(SELF, MEMBERS.get(1)); // 8 candidates, 3 picked per draw
        Map<NodeId, Integer> counts = new HashMap<>();
        Map<Set<NodeId>, Integer> subsets = new HashMap<>();
        Random random = new Random(42);
        int draws = 24_000;
        for (int i = 0; i < draws; i++) {
            Set<NodeId> hops = gossip.nextHops(SELF, MEMBERS, reached, random);
            hops.forEach(n -> counts.merge(n, 1, Integer::sum));
            subsets.merge(Set.copyOf(hops), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(MEMBERS.subList(2, 10));
        double expected = draws * 3 / 8.0; // 9000 per candidate
        assertThat(counts.values()).allSatisfy(c -> assertThat((double) c).isBetween(expected * 0.95, expected * 1.05));
        // whole subsets too, not only single nodes: C(8,3) = 56 of them, ~429 each
        assertThat(subsets).hasSize(56);
        assertThat(subsets.values()).allSatisfy(c -> assertThat(c).isBetween(300, 560));
    }

    @Test
    void aSeededGeneratorGivesTheSameHops() {
        Random a = new Random(7);
        Random b = new Random(7);
        List<List<NodeId>> first = new ArrayList<>();
        List<List<NodeId>> second = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            first.add(List.copyOf(gossip.nextHops(SELF, MEMBERS, Set.of(SELF), a)));
            second.add(List.copyOf(gossip.nextHops(SELF, MEMBERS, Set.of(SELF), b)));
        }
        assertThat(first).isEqualTo(second);
        assertThat(Set.copyOf(first)).hasSizeGreaterThan(1); // and it is random across draws
    }

    @Test
    void optionsAndValidation() {
        assertThat(gossip.name()).isEqualTo("gossip");
        assertThat(gossip.syncInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(gossip.recipients()).isEqualTo(3);
        assertThat(gossip.restrictedInit()).isTrue();
        assertThat(gossip.options()).isEqualTo(Map.of("sync.interval", "15000", "recipients", "3", "restricted.init", "true"));
        assertThatThrownBy(() -> new GossipStrategy(Duration.ofMillis(99), 3, true)).hasMessageStartingWith("option sync.interval:");
        assertThatThrownBy(() -> new GossipStrategy(Duration.ofMillis(100), 0, true)).hasMessageStartingWith("option recipients:");
        assertThat(new GossipStrategy(Duration.ofMillis(100), 1, false).restrictedInit()).isFalse();
    }

    @Test
    void activationReadsTheConfiguration() {
        assertThat(new GossipStrategy(DsConfig.of(GossipStrategy.Config.class, Map.of())).options()).isEqualTo(gossip.options());
        GossipStrategy s = new GossipStrategy(DsConfig.of(GossipStrategy.Config.class,
                Map.of("sync.interval", "500", "recipients", "2", "restricted.init", "false", "hub.id", "orders")));
        assertThat(s.options()).isEqualTo(Map.of("sync.interval", "500", "recipients", "2", "restricted.init", "false"));
        assertThatThrownBy(() -> new GossipStrategy(DsConfig.of(GossipStrategy.Config.class, Map.of("recipients", "three"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option recipients:");
        assertThatThrownBy(() -> new GossipStrategy(DsConfig.of(GossipStrategy.Config.class, Map.of("sync.interval", "50"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option sync.interval:");
    }

    // ---- configuration updates (DS @Modified)

    static final String PID = "org.processhub.strategy.gossip~default";

    /** Configuration properties as SCR hands them over: the given options plus the service.pid. */
    static Map<String, Object> props(Object... keysAndValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", PID);
        for (int i = 0; i < keysAndValues.length; i += 2) p.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return p;
    }

    static GossipStrategy activate(Map<String, Object> props) {
        return new GossipStrategy(DsConfig.of(GossipStrategy.Config.class, props));
    }

    static void modify(GossipStrategy s, Map<String, Object> props) {
        s.modified(DsConfig.of(GossipStrategy.Config.class, props), props);
    }

    @Test
    void aValidUpdateChangesTheRunningInstance() throws Exception {
        GossipStrategy s = activate(props("recipients", "2", "sync.interval", "500"));
        FakeLogger log = FakeLogger.injectInto(s);
        assertThat(s.nextHops(SELF, MEMBERS, Set.of(SELF), new Random(4))).hasSize(2);

        modify(s, props("recipients", "5", "sync.interval", "1000", "restricted.init", "false"));
        assertThat(s.options()).isEqualTo(Map.of("sync.interval", "1000", "recipients", "5", "restricted.init", "false"));
        assertThat(s.nextHops(SELF, MEMBERS, Set.of(SELF), new Random(4))).hasSize(5);
        assertThat(s.syncInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.restrictedInit()).isFalse();
        assertThat(log.lines).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "recipients    | 0     | option recipients: 0 must be at least 1",
            "recipients    | -2    | option recipients: -2 must be at least 1",
            "recipients    | three | option recipients: cannot convert the configured value",
            "sync.interval | 50    | option sync.interval: 50 ms must be at least 100",
            "sync.interval | 15s   | option sync.interval: cannot convert the configured value"})
    void anInvalidUpdateIsRejectedAndTheLastGoodOptionsStay(String key, String bad, String reason) throws Exception {
        GossipStrategy s = activate(props("recipients", "2", "sync.interval", "500", "restricted.init", "false"));
        FakeLogger log = FakeLogger.injectInto(s);
        Map<String, String> good = s.options();

        Map<String, Object> update = props("recipients", "4", "sync.interval", "800", "restricted.init", "true");
        update.put(key, bad);
        modify(s, update);
        assertThat(s.options()).isEqualTo(good);
        assertThat(s.nextHops(SELF, MEMBERS, Set.of(SELF), new Random(5))).hasSize(2);
        assertThat(s.syncInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.restrictedInit()).isFalse();
        assertThat(log.lines).singleElement().asString().startsWith("ERROR gossip strategy '" + PID
                + "': configuration rejected, keeping the last good one: " + reason);
    }

    @Test
    void withoutTheDsLoggerAnInvalidUpdateIsIgnoredWithoutThrowing() {
        GossipStrategy s = activate(props("recipients", "2"));
        modify(s, props("recipients", "0"));
        assertThat(s.recipients()).isEqualTo(2);
    }
}
