package org.processhub.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.processhub.systest.SecuritySupport.CMD;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * A cluster with a secret file keeps out a node with another secret and a node with none: they never
 * appear as members, the members' registries stay as they were, the intruders' logs say they were refused
 * for the secret and the coordinator logs each refusal. The secret itself appears in no log and in no
 * {@code hub:status} output.
 */
class ClusterSecretTest {
    static final int CHILDREN = 300;
    static final Duration FORM = Duration.ofSeconds(180);
    static final Duration CONVERGE = Duration.ofSeconds(90);
    static final Duration REFUSAL = Duration.ofSeconds(120);

    /** The end of a node's cluster startup: joined, refused, or the cluster component failed to activate. */
    static final Pattern STARTUP_OUTCOME = Pattern.compile(
            "joined the cluster|refused by the cluster|could not join|ClusterComponent.*activate method has thrown");

    final SecuritySupport.Steps steps = new SecuritySupport.Steps();
    final SoftAssertions soft = new SoftAssertions();

    @Test
    void nodesWithoutTheSecretAreRefusedAndLeaveTheClusterUntouched() throws Exception {
        SecureRandom random = new SecureRandom();
        String secret = "ph-secret-" + hex(random);
        String otherSecret = "ph-other-" + hex(random);
        try (NodeCluster cluster = new NodeCluster("secret")) {
            Path secretFile = writeSecret(cluster.workDir.resolve("cluster.secret"), secret);
            Path otherFile = writeSecret(cluster.workDir.resolve("other.secret"), otherSecret);
            String withSecret = "processhub.secret.file=" + secretFile.toAbsolutePath();

            long t0 = System.nanoTime();
            List<NodeProcess> members = List.of(cluster.start("n1", withSecret), cluster.start("n2", withSecret),
                    cluster.start("n3", withSecret));
            SecuritySupport.awaitHubNodes(members, Set.of("n1", "n2", "n3"), FORM);
            steps.step("3 nodes with the secret form the hub (from launch)", t0);

            t0 = System.nanoTime();
            List<String> out = members.get(0).run("hub:startmany default c " + CHILDREN + " counter", CMD);
            assertThat(out).isNotEmpty();
            assertThat(out.get(out.size() - 1)).startsWith("started " + CHILDREN + " of " + CHILDREN + " in ");
            Set<String> ids = SecuritySupport.ids("c", CHILDREN);
            Map<String, String> placement = SecuritySupport.awaitConverged(members.get(0), members, ids, CONVERGE);
            steps.step("startmany " + CHILDREN + " and every registry agrees", t0);
            assertThat(placement.values()).containsOnly("n1", "n2", "n3");
            String onN3 = SecuritySupport.childOn(placement, "n3");
            assertThat(members.get(0).runOne("hub:call default " + onN3 + " incr", CMD)).isEqualTo("1");

            // two intruders: another secret, and none at all
            t0 = System.nanoTime();
            NodeProcess wrong = cluster.start("evil-wrong-secret", "processhub.secret.file=" + otherFile.toAbsolutePath());
            NodeProcess none = cluster.start("evil-no-secret");
            // wait for each intruder's start to end one way or the other, then look at what its log says
            String wrongOutcome = SecuritySupport.awaitLogLine(wrong, STARTUP_OUTCOME, REFUSAL);
            steps.step("node with another secret: startup over (from launch)", t0);
            String noneOutcome = SecuritySupport.awaitLogLine(none, STARTUP_OUTCOME, REFUSAL);
            steps.step("node with no secret: startup over (from launch)", t0);
            System.out.println("evil-wrong-secret: " + wrongOutcome);
            System.out.println("evil-no-secret: " + noneOutcome);
            assertThat(wrongOutcome).as("evil-wrong-secret must not join").doesNotContain("joined the cluster");
            assertThat(noneOutcome).as("evil-no-secret must not join").doesNotContain("joined the cluster");
            // the operator of a refused node must learn why from its log
            for (NodeProcess intruder : List.of(wrong, none)) {
                List<String> refused = SecuritySupport.linesMatching(SecuritySupport.readLog(intruder),
                        Pattern.compile("refused by the cluster"));
                soft.assertThat(refused).as("%s's log says it was refused by the cluster (and why); its log:%n%s", intruder.name,
                        SecuritySupport.readLog(intruder)).isNotEmpty();
                soft.assertThat(refused).as("%s's refusal names the cluster secret", intruder.name)
                        .allMatch(l -> l.contains("cluster secret"));
            }

            // the coordinator (some member) logged each refusal with its reason
            String wrongLine = awaitMemberLog(members, Pattern.compile("refused a node at .*\\(evil-wrong-secret\\) trying to join: "));
            String noneLine = awaitMemberLog(members, Pattern.compile("refused a node at .*\\(evil-no-secret\\) trying to join: "));
            System.out.println("coordinator: " + wrongLine);
            System.out.println("coordinator: " + noneLine);
            assertThat(wrongLine).contains("does not know the cluster secret");
            assertThat(noneLine).contains("presents no cluster-secret proof");

            // neither is a member anywhere; the registries are untouched; calls still work
            t0 = System.nanoTime();
            for (NodeProcess m : members) {
                assertThat(SecuritySupport.hubNodes(m)).as("hub:nodes default on %s", m.name).containsExactly("n1", "n2", "n3");
                assertThat(m.run("hub:hubs", CMD)).as("hub:hubs on %s", m.name)
                        .anyMatch(l -> l.startsWith("default alive=true nodes=3 "));
                assertThat(SecuritySupport.registry(m)).as("registry of %s after the intruders", m.name).isEqualTo(placement);
            }
            assertThat(SecuritySupport.parsePlacement(members.get(1).run("hub:ps --global default", CMD)))
                    .as("what really runs after the intruders").isEqualTo(placement);
            assertThat(members.get(1).runOne("hub:call default " + onN3 + " incr", CMD)).isEqualTo("2");
            steps.step("members, registries and calls checked after the intruders", t0);
            System.out.println("hub:hubs on evil-wrong-secret: " + safeRun(wrong, "hub:hubs"));
            System.out.println("hub:hubs on evil-no-secret: " + safeRun(none, "hub:hubs"));

            // the secrets appear in no log and in no hub:status output
            for (NodeProcess m : members) {
                String status = String.join("\n", m.run("hub:status default", CMD));
                assertThat(status).as("hub:status default on %s", m.name).doesNotContain(secret).doesNotContain(otherSecret);
            }
            for (NodeProcess n : List.of(members.get(0), members.get(1), members.get(2), wrong, none)) {
                String log = SecuritySupport.readLog(n);
                assertThat(log).as("log of %s", n.name).doesNotContain(secret).doesNotContain(otherSecret);
            }
            soft.assertAll();
        } finally {
            steps.print("ClusterSecretTest");
        }
    }

    private static String hex(SecureRandom random) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static Path writeSecret(Path file, String secret) throws Exception {
        Files.writeString(file, secret + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        return file;
    }

    /** Waits until some member's log has a line matching {@code p}; returns it. */
    static String awaitMemberLog(List<NodeProcess> members, Pattern p) throws Exception {
        long deadline = System.nanoTime() + REFUSAL.toNanos();
        while (true) {
            for (NodeProcess m : members) {
                List<String> lines = SecuritySupport.linesMatching(SecuritySupport.readLog(m), p);
                if (!lines.isEmpty()) return m.name + ": " + lines.get(0);
            }
            if (System.nanoTime() > deadline) {
                StringBuilder b = new StringBuilder("no member logged /" + p + "/ within " + REFUSAL);
                for (NodeProcess m : members) b.append("\n--- ").append(m.name).append(":\n").append(SecuritySupport.tail(SecuritySupport.readLog(m), 20));
                throw new AssertionError(b.toString());
            }
            Thread.sleep(200);
        }
    }

    static String safeRun(NodeProcess n, String cmd) {
        try {
            return n.run(cmd, Duration.ofSeconds(30)).toString();
        } catch (Throwable e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
