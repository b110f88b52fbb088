package org.processhub.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The node's config folder: files define hubs at start and while it runs; a hub-default file replaces the default. */
class ConfigFolderTest {
    @Test
    void hubsComeAndGoWithTheirFilesAndAFileReplacesTheDefaultHub() throws Exception {
        try (NodeCluster cluster = new NodeCluster("config")) {
            Path etc = Files.createDirectories(cluster.workDir.resolve("cfgnode").resolve("etc"));
            Files.writeString(etc.resolve("org.processhub.hub-default.cfg"), "hub.id=default\nrestart.max=7\n");
            Files.writeString(etc.resolve("org.processhub.hub-orders.cfg"), "hub.id=orders\n");
            NodeProcess node = cluster.start("cfgnode");
            awaitHubs(node, l -> l.contains("default alive=true nodes=1 local=0") && l.contains("orders alive=true nodes=1 local=0"));
            assertThat(NodeCluster.status(node.run("hub:status default", NodeCluster.CMD)).get("options")).startsWith("restart.max=7,");
            assertThat(node.runOne("hub:start orders o1 kv", NodeCluster.CMD)).isEqualTo("started o1 on cfgnode");
            assertThat(node.runOne("hub:lookup default o1", NodeCluster.CMD)).isEqualTo("not found");

            Files.writeString(etc.resolve("org.processhub.hub-late.cfg"), "hub.id=late\n");
            awaitHubs(node, l -> l.stream().anyMatch(x -> x.startsWith("late alive=true")));
            Files.delete(etc.resolve("org.processhub.hub-late.cfg"));
            awaitHubs(node, l -> l.stream().noneMatch(x -> x.startsWith("late ")) && l.size() == 2);
        }
    }

    private static void awaitHubs(NodeProcess node, Predicate<List<String>> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<String> hubs = List.of();
        while (System.nanoTime() < deadline) {
            hubs = node.run("hub:hubs", NodeCluster.CMD);
            if (condition.test(hubs)) return;
            Thread.sleep(200);
        }
        throw new AssertionError("hubs never matched; last: " + hubs);
    }
}
