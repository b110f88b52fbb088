package org.processhub.benchmarks.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.processhub.runtime.internal.cluster.FreePorts;

/**
 * The node JVMs of one benchmark cluster, of one system, on loopback ports no other cluster uses (free
 * ranges, checked by binding). ProcessHub nodes are started as users start them ({@code java -jar
 * processhub.jar} with {@code -Dprocesshub.*} options) and get the bench agent installed through their
 * shell; Ignite nodes are {@link org.processhub.benchmarks.ignite.IgniteSgNode} JVMs. Both get the JVM
 * flags of the Service Grid anchor. Closing kills whatever still runs.
 */
final class TestCluster implements AutoCloseable {
    static final Duration READY = Duration.ofSeconds(120);
    /** In the message of a cluster that did not form within {@link #READY}. */
    static final String NOT_FORMED = "does not see";
    /** JVM flags of every node of both systems (the anchor's). */
    static final List<String> JVM = List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-DIGNITE_QUIET=true",
            "-DIGNITE_UPDATE_NOTIFIER=false", "-DIGNITE_NO_ASCII=true", "-DIGNITE_PERFORMANCE_SUGGESTIONS_DISABLED=true",
            "-Djava.net.preferIPv4Stack=true");
    final String system;
    final Options options;
    final Path dir;
    final int discoveryPort;
    final int communicationPort;
    final List<Node> nodes = new ArrayList<>();

    TestCluster(String system, Options options, Path dir) throws IOException {
        this.system = system;
        this.options = options;
        this.dir = dir;
        this.discoveryPort = FreePorts.range("127.0.0.1", 10);
        this.communicationPort = FreePorts.range("127.0.0.1", 100);
    }

    boolean isProcessHub() {
        return system.equals("processhub");
    }

    /** Launches a node (returns at once; {@link #ready} waits for it). */
    Node launch(String name) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM);
        Path nodeDir = dir.resolve(name);
        if (isProcessHub()) {
            cmd.addAll(List.of("-Dprocesshub.node.name=" + name, "-Dprocesshub.etc=" + nodeDir.resolve("etc"),
                    "-Dprocesshub.discovery.port=" + discoveryPort, "-Dprocesshub.discovery.port.range=9",
                    "-Dprocesshub.communication.port=" + communicationPort,
                    "-Dprocesshub.failure.detection.timeout=2000",
                    // no split-brain merge beacon: one fewer port to collide, nothing partitions here
                    "-Dprocesshub.merge.beacon.offset=0",
                    "-jar", options.processhubJar.toString()));
        } else {
            cmd.addAll(options.igniteOpensList());
            cmd.addAll(List.of("-cp", options.igniteClasspath(), "org.processhub.benchmarks.ignite.IgniteSgNode", name,
                    String.valueOf(discoveryPort), String.valueOf(communicationPort), nodeDir.resolve("work").toString()));
        }
        Node n = Node.launch(name, nodeDir, cmd);
        nodes.add(n);
        if (isProcessHub()) n.submit("start file:" + options.agentJar); // queued until the shell reads it
        return n;
    }

    /** Waits until the node answers bench commands (agent installed and active, or Ignite started). */
    void ready(Node n) throws Exception {
        long deadline = System.nanoTime() + READY.toNanos();
        while (true) {
            try {
                n.bench("bench:ping", READY);
                if (isProcessHub()) for (String b : options.stopBundles) n.bench("bench:stopbundle " + b, READY);
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline || !n.process.isAlive()) throw e;
                Thread.sleep(200);
            }
        }
    }

    /** Launches nodes concurrently and waits until each is ready and sees {@code members} members. */
    List<Node> start(List<String> names, int members) throws Exception {
        List<Node> started = new ArrayList<>();
        for (String name : names) started.add(launch(name));
        for (Node n : started) ready(n);
        awaitMembers(nodes.stream().filter(x -> x.process.isAlive()).toList(), members);
        return started;
    }

    void awaitMembers(List<Node> which, int n) throws Exception {
        long deadline = System.nanoTime() + READY.toNanos();
        for (Node node : which) {
            while (members(node) != n) {
                if (System.nanoTime() > deadline) throw new IllegalStateException(node.name + " " + NOT_FORMED + " " + n + " members within " + READY);
                Thread.sleep(100);
            }
        }
    }

    /** The hub's member count on a node, or -1 while its hub is not up yet. */
    private static int members(Node node) throws Exception {
        try {
            return Integer.parseInt(node.bench("bench:members default", READY).get("n"));
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        nodes.forEach(Node::close);
    }
}
