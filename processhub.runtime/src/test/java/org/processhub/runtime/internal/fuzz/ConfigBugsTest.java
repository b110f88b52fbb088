package org.processhub.runtime.internal.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.processhub.runtime.internal.cluster.NodeSettings;
import org.processhub.runtime.internal.hub.HubSettings;

/**
 * Bugs {@link ConfigFuzzTest} found in the configuration parsers, as plain reproducers of the documented
 * contract ({@code from} either returns settings that keep the rules or throws an IllegalArgumentException
 * starting with {@code option <key>:} for the offending option). They fail until the bugs are fixed, so they
 * are disabled; ConfigFuzzTest tolerates exactly these (see {@code ConfigFuzzTest.knownBug}), so when fixing
 * one, enable its test here and drop its tolerance there. The crash inputs Jazzer wrote
 * ({@code ConfigFuzzTestInputs/settings/crash-*}) stay in the corpus as regression inputs.
 */
class ConfigBugsTest {
    /** Crash input 2e2e2e2eb777 (crash-b6596ec7...): {discovery.port="-10"}. */
    @Test
    void badDiscoveryPortIsBlamedOnItselfNotOnTheDefaultDiscoveryAddresses() {
        // today: "option discovery.addresses: 127.0.0.1:-10..0 must be host:port or host:from..to"
        assertThatThrownBy(() -> NodeSettings.from(Map.of("discovery.port", "-10")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option discovery.port:");
        // today: "option discovery.addresses: 127.0.0.1:48500..148500 must be ..."
        assertThatThrownBy(() -> NodeSettings.from(Map.of("discovery.port.range", 100_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option discovery.port.range:");
        // an empty String[] is "not set": the default, not a broken default discovery address
        assertThat(NodeSettings.from(Map.of("local.address", new String[0])).localAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void ipv6LocalAddressGetsAUsableDefaultDiscoveryAddress() {
        NodeSettings s = NodeSettings.from(Map.of("local.address", "::1"));
        assertThat(s.localAddress()).isEqualTo("::1");
    }

    /** Crash input e7672727272727277ae8e41b26 (crash-70b9e439...): {merge.beacon.offset=2147483647}. */
    @Test
    void hugeOffsetsAndRangesAreRejectedNotWrappedAround() {
        // today: accepted; discoveryPort + discoveryPortRange + mergeBeaconOffset wraps to a negative int
        assertThatThrownBy(() -> NodeSettings.from(Map.of("merge.beacon.offset", Integer.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option merge.beacon.offset:");
        // today: accepted with explicit discovery addresses (discoveryPort + discoveryPortRange wraps)
        assertThatThrownBy(() -> NodeSettings.from(Map.of("discovery.port.range", Integer.MAX_VALUE,
                "discovery.addresses", "h:1", "merge.beacon.offset", 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option discovery.port.range:");
    }

    /** Crash input 6801010000750a00622e6964 (crash-ba5cb95f...): {work.directory="h\1\1\0\0u\n"}. */
    @Test
    void unusableWorkDirectoryIsRejectedNamingTheOption() {
        assertThatThrownBy(() -> NodeSettings.from(Map.of("work.directory", "h\u0001\u0001\u0000\u0000u\n")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option work.directory:");
    }

    /** Crash input 04d904d9ededededededededededededed023b (crash-b9814547...): mailbox.capacity=2147483647. */
    @Test
    void mailboxCapacityOverTheLimitIsRejectedNamingTheOption() {
        assertThatThrownBy(() -> HubSettings.from(Map.of("hub.id", "h", "mailbox.capacity", (1 << 24) + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("option mailbox.capacity:");
    }
}
