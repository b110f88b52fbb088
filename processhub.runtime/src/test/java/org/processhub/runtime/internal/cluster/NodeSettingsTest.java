package org.processhub.runtime.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {
    @Test
    void defaultsStayOnLoopbackAndOffIgnitesDefaultPorts() {
        NodeSettings s = NodeSettings.from(Map.of());
        assertThat(s.localAddress()).isEqualTo("127.0.0.1");
        assertThat(s.discoveryPort()).isEqualTo(48500).isNotEqualTo(47500);
        assertThat(s.discoveryAddresses()).containsExactly("127.0.0.1:48500..48510");
        assertThat(s.communicationPort()).isEqualTo(48100);
        assertThat(s.failureDetectionTimeout().toMillis()).isEqualTo(5000);
        assertThat(s.nodeName()).isEmpty();
    }

    @Test
    void configurationValuesAreRead() {
        NodeSettings s = NodeSettings.from(Map.of("node.name", "n1", "discovery.port", 40000, "discovery.port.range", "2",
                "discovery.addresses", "10.0.0.1:40000..40002, 10.0.0.2:40000", "failure.detection.timeout", "1500"));
        assertThat(s.nodeName()).isEqualTo("n1");
        assertThat(s.discoveryPort()).isEqualTo(40000);
        assertThat(s.discoveryAddresses()).containsExactly("10.0.0.1:40000..40002", "10.0.0.2:40000");
        assertThat(s.failureDetectionTimeout().toMillis()).isEqualTo(1500);
    }

    @Test
    void systemPropertiesWinOverConfiguration() {
        System.setProperty("processhub.discovery.port", "41000");
        try {
            assertThat(NodeSettings.from(Map.of("discovery.port", 40000)).discoveryPort()).isEqualTo(41000);
        } finally {
            System.clearProperty("processhub.discovery.port");
        }
    }

    @Test
    void portZeroPicksFreePorts() {
        NodeSettings s = NodeSettings.from(Map.of("discovery.port", 0, "communication.port", 0));
        assertThat(s.discoveryPort()).isPositive();
        assertThat(s.communicationPort()).isPositive();
        assertThat(s.discoveryAddresses()).singleElement().asString().startsWith("127.0.0.1:" + s.discoveryPort());
    }

    @Test
    void badValuesAreRejectedNamingTheOption() {
        assertThatThrownBy(() -> NodeSettings.from(Map.of("discovery.port", "abc")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("discovery.port").hasMessageContaining("abc");
        assertThatThrownBy(() -> NodeSettings.from(Map.of("discovery.port", 70000)))
                .hasMessageContaining("discovery.port");
        assertThatThrownBy(() -> NodeSettings.from(Map.of("failure.detection.timeout", -5)))
                .hasMessageContaining("failure.detection.timeout");
        assertThatThrownBy(() -> NodeSettings.from(Map.of("discovery.addresses", "nohostport")))
                .hasMessageContaining("discovery.addresses").hasMessageContaining("nohostport");
    }
}
