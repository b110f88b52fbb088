package org.processhub.systest;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Helpers of the security and hostile-input system tests (ClusterSecretTest, TlsClusterTest,
 * HostileInputTest): waits on membership, placement and log lines with deadlines, log slicing and
 * counting, the transport address a node logs, raw sockets. Kept apart from the shared helpers
 * ({@link NodeProcess}, {@link NodeCluster}, {@link ShellSupport}), which other work changes.
 */
final class SecuritySupport {
    private SecuritySupport() {}

    static final Duration CMD = Duration.ofSeconds(90);

    /** Step timings of one test, printed as they happen and at the end. */
    static final class Steps {
        final Map<String, Long> timings = new LinkedHashMap<>();

        void step(String what, long t0) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            timings.put(what, ms);
            System.out.println("step: " + what + ": " + ms + " ms");
        }

        void print(String test) {
            System.out.println("timings of " + test + " (ms): " + timings);
        }
    }

    // ---- membership and placement -------------------------------------------------------------------

    /** {@code hub:nodes default} of one node, as a sorted set. */
    static Set<String> hubNodes(NodeProcess node) throws Exception {
        Set<String> s = new TreeSet<>();
        for (String l : node.run("hub:nodes default", CMD)) {
            String t = l.trim();
            if (!t.isEmpty()) s.add(t);
        }
        return s;
    }

    /** Waits until {@code hub:nodes default} on every node in {@code nodes} lists exactly {@code expected}. */
    static void awaitHubNodes(Collection<NodeProcess> nodes, Set<String> expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Set<String>> last = new LinkedHashMap<>();
        while (true) {
            boolean all = true;
            for (NodeProcess n : nodes) {
                Set<String> s = hubNodes(n);
                last.put(n.name, s);
                if (!s.equals(new TreeSet<>(expected))) all = false;
            }
            if (all) return;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("hub:nodes default did not become " + new TreeSet<>(expected) + " on every node within "
                        + timeout + ": " + last);
            }
            Thread.sleep(200);
        }
    }

    /** {@code <child> <node>} lines → child → node (marks like {@code *} removed); null if a child is listed twice or on two nodes. */
    static Map<String, String> parsePlacement(List<String> lines) {
        Map<String, String> m = new HashMap<>();
        for (String l : lines) {
            String[] parts = l.trim().split(" ");
            if (parts.length != 2 || parts[1].contains(",")) return null;
            if (m.put(parts[0], parts[1].replace("*", "")) != null) return null;
        }
        return m;
    }

    static Map<String, String> registry(NodeProcess node) throws Exception {
        return parsePlacement(node.run("hub:ps default", CMD));
    }

    /**
     * Waits until {@code hub:ps --global default} on {@code asker} shows exactly {@code expected}, each child on
     * one node, and every node's registry agrees; returns child → node.
     */
    static Map<String, String> awaitConverged(NodeProcess asker, Collection<NodeProcess> nodes, Set<String> expected,
            Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Map<String, String> running = parsePlacement(asker.run("hub:ps --global default", CMD));
            if (running != null && running.keySet().equals(expected)) {
                boolean agree = true;
                for (NodeProcess p : nodes) {
                    Map<String, String> reg = registry(p);
                    if (!running.equals(reg)) {
                        agree = false;
                        last = p.name + "'s registry differs from what runs (" + (reg == null ? "duplicates" : reg.size() + " rows") + ")";
                        break;
                    }
                }
                if (agree) return running;
            } else if (running == null) {
                last = "a child runs on more than one node";
            } else {
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(running.keySet());
                last = running.size() + " of " + expected.size() + " children running; missing " + missing.size();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no convergence within " + timeout + ": " + last);
    }

    static Set<String> ids(String prefix, int count) {
        Set<String> s = new TreeSet<>();
        for (int i = 0; i < count; i++) s.add(prefix + i);
        return s;
    }

    /** The first child placed on {@code node}. */
    static String childOn(Map<String, String> placement, String node) {
        return placement.entrySet().stream().filter(e -> e.getValue().equals(node)).map(Map.Entry::getKey).sorted()
                .findFirst().orElseThrow(() -> new AssertionError("no child on " + node + ": " + placement.values()));
    }

    // ---- logs ------------------------------------------------------------------------------------------

    static String readLog(NodeProcess node) throws IOException {
        return Files.exists(node.log) ? Files.readString(node.log, StandardCharsets.UTF_8) : "";
    }

    static long logSize(NodeProcess node) throws IOException {
        return Files.exists(node.log) ? Files.size(node.log) : 0;
    }

    /** The log from byte {@code from} to the current end. */
    static String logSince(NodeProcess node, long from) throws IOException {
        if (!Files.exists(node.log)) return "";
        try (RandomAccessFile f = new RandomAccessFile(node.log.toFile(), "r")) {
            long len = f.length();
            if (len <= from) return "";
            byte[] b = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** Waits until the node's log matches {@code pattern}; returns the first matching line. */
    static String awaitLogLine(NodeProcess node, Pattern pattern, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : readLog(node).split("\n")) {
                if (pattern.matcher(line).find()) return line;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node.name + ": no log line matching /" + pattern + "/ within " + timeout
                        + (node.process.isAlive() ? "" : " (process exited)") + "; log " + node.log + ":\n" + tail(readLog(node), 40));
            }
            Thread.sleep(200);
        }
    }

    static List<String> linesMatching(String text, Pattern pattern) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (pattern.matcher(line).find()) out.add(line);
        }
        return out;
    }

    /** Headline lines of warnings and errors: ours ({@code <time> WARN|ERROR ...}) and java.util.logging's. */
    static final Pattern WARN_OR_ERROR = Pattern.compile("^(\\S+ (WARN|ERROR) |(WARNING|SEVERE): )");

    static String tail(String text, int lines) {
        String[] l = text.split("\n");
        return String.join("\n", java.util.Arrays.asList(l).subList(Math.max(0, l.length - lines), l.length));
    }

    private static final Pattern JOINED = Pattern.compile("node (\\S+) joined the cluster: .* transport /([0-9.]+):(\\d+)");

    /** The ProcessHub transport address the node logged when it joined. */
    static InetSocketAddress transportAddress(NodeProcess node, Duration timeout) throws Exception {
        String line = awaitLogLine(node, JOINED, timeout);
        Matcher m = JOINED.matcher(line);
        if (!m.find()) throw new AssertionError(line);
        return new InetSocketAddress(m.group(2), Integer.parseInt(m.group(3)));
    }

    // ---- processes ---------------------------------------------------------------------------------

    /** Runs a command (e.g. {@code bash scripts/dev-ca.sh ...}), failing with its output if it fails. */
    static String exec(Path dir, Duration timeout, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        pb.environment().put("PATH", javaBin + java.io.File.pathSeparator + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) throw new AssertionError(String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + text);
        return text;
    }

    /** The repository root (where {@code scripts/} lives). */
    static Path repoRoot() {
        String prop = System.getProperty("maven.multiModuleProjectDirectory");
        if (prop != null && Files.isRegularFile(Path.of(prop, "scripts", "dev-ca.sh"))) return Path.of(prop).toAbsolutePath();
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts").resolve("dev-ca.sh"))) return p;
        }
        throw new IllegalStateException("repository root (with scripts/dev-ca.sh) not found from " + here);
    }

    // ---- raw sockets ---------------------------------------------------------------------------------

    /** Whether something accepts TCP connections at the port on loopback. */
    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }


    /** TCP ports the process listens on (its sockets in LISTEN state), read from /proc. */
    static Set<Integer> listeningPorts(long pid) throws IOException {
        Set<String> inodes = new java.util.HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            }
        }
        Set<Integer> ports = new TreeSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path t = Path.of(table);
            if (!Files.exists(t)) continue;
            for (String line : Files.readAllLines(t)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || !f[3].equals("0A")) continue; // 0A = LISTEN
                if (!inodes.contains(f[9])) continue;
                String local = f[1];
                ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
            }
        }
        return ports;
    }

    /** The node's listening port in {@code [from, to]}; fails if there is not exactly one. */
    static int portIn(NodeProcess node, int from, int to) throws IOException {
        List<Integer> found = listeningPorts(node.pid()).stream().filter(p -> p >= from && p <= to).toList();
        if (found.size() != 1) {
            throw new AssertionError(node.name + " listens on " + found + " in " + from + ".." + to + " (all: "
                    + listeningPorts(node.pid()) + ")");
        }
        return found.get(0);
    }

    /** What one raw connection got back. */
    record Exchange(byte[] received, boolean closedByPeer, boolean timedOut, String error) {
        String describe() {
            return received.length + " byte(s) " + hex(received, 24) + (closedByPeer ? ", closed by the peer" : "")
                    + (timedOut ? ", still open at the deadline" : "") + (error == null ? "" : ", " + error);
        }
    }

    /**
     * Connects, waits {@code beforeSend} reading whatever arrives, sends {@code payload} (if any), then reads
     * until the peer closes or {@code readFor} passes. Never throws for network errors (they are the result).
     */
    static Exchange exchange(int port, Duration beforeSend, byte[] payload, Duration readFor) {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            InputStream in = s.getInputStream();
            if (!beforeSend.isZero()) {
                Boolean closed = readUntil(s, in, got, beforeSend);
                if (closed) return new Exchange(got.toByteArray(), true, false, null);
            }
            if (payload != null && payload.length > 0) {
                s.getOutputStream().write(payload);
                s.getOutputStream().flush();
            }
            boolean closed = readUntil(s, in, got, readFor);
            return new Exchange(got.toByteArray(), closed, !closed, null);
        } catch (IOException e) {
            boolean reset = String.valueOf(e.getMessage()).contains("reset") || String.valueOf(e.getMessage()).contains("Broken pipe");
            return new Exchange(got.toByteArray(), reset, false, e.toString());
        }
    }

    /** Reads into {@code got} until EOF (true) or the time passes (false). */
    private static boolean readUntil(Socket s, InputStream in, java.io.ByteArrayOutputStream got, Duration d) throws IOException {
        long deadline = System.nanoTime() + d.toNanos();
        byte[] buf = new byte[4096];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) return false;
            s.setSoTimeout((int) Math.max(1, left));
            try {
                int n = in.read(buf);
                if (n < 0) return true;
                got.write(buf, 0, n);
                if (got.size() > 1 << 20) return false;
            } catch (SocketTimeoutException e) {
                return false;
            }
        }
    }

    static String hex(byte[] b, int max) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < Math.min(b.length, max); i++) s.append(String.format("%02x", b[i]));
        if (b.length > max) s.append("...");
        return s.append(']').toString();
    }

    /** The transport hello of the handshake: magic, name length, name, empty proof. */
    static byte[] transportHello(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 1 + n.length + 2);
        b.put(new byte[] {'P', 'H', 'T', '1'}).put((byte) n.length).put(n).putShort((short) 0);
        return b.array();
    }
}
