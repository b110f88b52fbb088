package org.processhub.systest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Node processes of one test cluster: they share discovery ports no other test or stray node uses, so
 * parallel or leftover nodes never join. Closing it kills whatever still runs.
 */
final class NodeCluster implements AutoCloseable {
    static final int RANGE = 9;
    final Path workDir;
    final int discoveryPort;
    final int communicationPort;
    final List<NodeProcess> nodes = new ArrayList<>();

    NodeCluster(String testName) throws IOException {
        this.workDir = Files.createDirectories(Path.of("target", "systest", testName + "-" + System.currentTimeMillis()));
        this.discoveryPort = freeRange(RANGE + 1);
        this.communicationPort = freeRange(60);
    }

    NodeProcess start(String name, String... extraProps) throws IOException {
        List<String> props = new ArrayList<>(List.of("processhub.discovery.port=" + discoveryPort,
                "processhub.discovery.port.range=" + RANGE,
                "processhub.communication.port=" + communicationPort,
                "processhub.failure.detection.timeout=2000"));
        props.addAll(List.of(extraProps));
        NodeProcess n = NodeProcess.start(name, workDir, props);
        nodes.add(n);
        return n;
    }

    /**
     * Starts a node with exactly {@code props} as {@code -D} options (none of this cluster's loopback ports)
     * and {@code commandPrefix} before {@code java}, e.g. a node inside a {@link NetworkLab} host.
     */
    NodeProcess start(String name, List<String> commandPrefix, List<String> props) throws IOException {
        NodeProcess n = NodeProcess.start(name, workDir, props, commandPrefix);
        nodes.add(n);
        return n;
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
    }

    /** Parses {@code key: value} lines of {@code hub:status}. */
    static Map<String, String> status(List<String> lines) {
        Map<String, String> m = new HashMap<>();
        for (String l : lines) {
            int i = l.indexOf(": ");
            if (i > 0) m.put(l.substring(0, i), l.substring(i + 2));
        }
        return m;
    }

    static int freeRange(int count) throws IOException {
        for (int attempt = 0; attempt < 300; attempt++) {
            int base = 20000 + ThreadLocalRandom.current().nextInt(30000);
            boolean free = true;
            for (int p = base; p < base + count && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) return base;
        }
        throw new IOException("no free port range");
    }

    static final Duration CMD = Duration.ofSeconds(60);
}
