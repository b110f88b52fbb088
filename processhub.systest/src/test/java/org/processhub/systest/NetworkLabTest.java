package org.processhub.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab itself: hosts reach each other, a cut separates exactly the two groups, a heal rejoins them, close removes everything. */
class NetworkLabTest {
    static final Duration PROBE = Duration.ofSeconds(2);

    @Test
    void cutSeparatesTheGroupsHealRejoinsThemCloseRemovesEveryNamespace() throws Exception {
        assumeTrue(NetworkLab.available(), () -> "network namespaces not available: " + NetworkLab.unavailableReason());
        NetworkLab lab = NetworkLab.create(NetworkLab.runId("labtest"), 2, 2);
        List<String> names;
        try {
            names = lab.namespaceNames();
            assertThat(lab.existingNamespaces()).containsExactlyInAnyOrderElementsOf(names);
            assertThat(lab.hosts()).extracting(NetworkLab.Host::name).containsExactly("a1", "a2", "b1", "b2");
            assertThat(lab.hosts()).extracting(NetworkLab.Host::address)
                    .containsExactly("169.254.77.101", "169.254.77.102", "169.254.77.201", "169.254.77.202");
            NetworkLab.Host a1 = lab.host("a1"), a2 = lab.host("a2"), b1 = lab.host("b1"), b2 = lab.host("b2");
            // each host has its address and a route to the lab's subnet only
            assertThat(String.join("\n", a1.exec("ip", "-4", "addr", "show", "dev", "eth0"))).contains("inet 169.254.77.101/24");
            assertThat(a1.exec("ip", "-4", "route")).hasSize(1).allMatch(l -> l.startsWith("169.254.77.0/24 dev eth0"));

            assertThat(lab.reachable(a1, a2, PROBE)).isTrue();
            assertThat(lab.reachable(a1, b1, PROBE)).isTrue();
            assertThat(lab.reachable(b2, a2, PROBE)).isTrue();

            lab.cut();
            assertThat(lab.isCut()).isTrue();
            assertThat(lab.reachable(a1, b1, PROBE)).as("a1 → b1 after the cut").isFalse();
            assertThat(lab.reachable(b2, a2, PROBE)).as("b2 → a2 after the cut").isFalse();
            assertThat(lab.reachable(a1, a2, PROBE)).as("a1 → a2 after the cut").isTrue();
            assertThat(lab.reachable(b1, b2, PROBE)).as("b1 → b2 after the cut").isTrue();

            lab.heal();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!lab.reachable(a1, b1, PROBE)) {
                assertThat(System.nanoTime()).as("a1 reaches b1 within 30 s of the heal").isLessThan(deadline);
            }
            assertThat(lab.reachable(b2, a2, PROBE)).isTrue();
        } finally {
            lab.close();
        }
        assertThat(NetworkLab.namespaces()).doesNotContainAnyElementsOf(names);
        lab.close(); // idempotent
    }
}
