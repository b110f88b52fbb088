package org.processhub.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exported jar as a real process, driven through stdin: a short session, then a clean exit at end of input. */
class SingleNodeShellTest {
    @Test
    void aNodeStartedFromTheJarRunsTheDefaultHubAndAnswersShellCommands() throws Exception {
        try (NodeCluster cluster = new NodeCluster("single")) {
            NodeProcess node = cluster.start("solo");
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            List<String> hubs = List.of();
            while (System.nanoTime() < deadline) {
                hubs = node.run("hub:hubs", NodeCluster.CMD);
                if (hubs.contains("default alive=true nodes=1 local=0")) break;
                Thread.sleep(200);
            }
            assertThat(hubs).as("the default hub is up").contains("default alive=true nodes=1 local=0");
            assertThat(node.runOne("hub:nodes default", NodeCluster.CMD)).isEqualTo("solo");
            assertThat(node.runOne("hub:start default c1 counter", NodeCluster.CMD)).isEqualTo("started c1 on solo");
            assertThat(node.runOne("hub:call default c1 incr", NodeCluster.CMD)).isEqualTo("1");
            assertThat(node.runOne("hub:call default c1 incr", NodeCluster.CMD)).isEqualTo("2");
            assertThat(node.runOne("hub:lookup default c1", NodeCluster.CMD)).isEqualTo("c1 solo");
            assertThat(node.runOne("hub:start default x crasher", NodeCluster.CMD)).isEqualTo("started x on solo");
            assertThat(node.runOne("hub:call default x crash", NodeCluster.CMD)).startsWith("error: x crashed");
            assertThat(node.runOne("hub:call default x ping", NodeCluster.CMD)).isEqualTo("pong");
            assertThat(node.runOne("hub:stop default c1", NodeCluster.CMD)).isEqualTo("stopped c1");
            assertThat(node.runOne("hub:lookup default c1", NodeCluster.CMD)).isEqualTo("not found");
            assertThat(node.runOne("hub:start default y nothing-like-it", NodeCluster.CMD)).startsWith("error: no process factory named nothing-like-it");
            assertThat(node.closeInput(Duration.ofSeconds(60))).as("the JVM exits at the end of its input").isTrue();
            assertThat(java.nio.file.Files.readString(node.log)).contains("hub default started on solo").doesNotContain(" ERROR ");
        }
    }
}
