package org.processhub.systest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ProcessHub node as a real JVM process started from the exported jar, the way users start it. Its
 * shell is driven through stdin: {@link #run} sends a command followed by an {@code echo} marker and
 * returns the lines printed before the marker. stderr (the node's log) goes to a file.
 */
final class NodeProcess implements AutoCloseable {
    private static final AtomicInteger MARKERS = new AtomicInteger();
    final String name;
    final Process process;
    final Path log;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private NodeProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    while (line.startsWith("g! ")) line = line.substring(3);
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a node. {@code extraProps} are {@code -D} options, e.g. the test's discovery ports.
     */
    static NodeProcess start(String name, Path workDir, List<String> extraProps) throws IOException {
        return start(name, workDir, extraProps, List.of());
    }

    /**
     * Starts a node with {@code commandPrefix} before {@code java}, e.g. {@code ip netns exec <ns>} to run it
     * inside a network namespace ({@code ip netns exec} execs the command, so the process handle is still
     * the node's JVM: {@link #pid}, {@link #kill9} and {@link #terminate} reach it directly).
     */
    static NodeProcess start(String name, Path workDir, List<String> extraProps, List<String> commandPrefix) throws IOException {
        Path jar = Path.of(System.getProperty("processhub.jar", "../processhub.app/target/processhub.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("exported jar not found: " + jar + " (build processhub.app first)");
        }
        Path dir = Files.createDirectories(workDir.resolve(name));
        Path log = dir.resolve("node.log");
        List<String> cmd = new ArrayList<>(commandPrefix);
        cmd.addAll(List.of(javaBin(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dprocesshub.node.name=" + name, "-Dprocesshub.etc=" + dir.resolve("etc").toAbsolutePath()));
        for (String p : extraProps) cmd.add("-D" + p);
        cmd.addAll(List.of("-jar", jar.toString()));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(log.toFile()).start();
        return new NodeProcess(name, p, log);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a shell command; returns its output lines. Fails if the marker does not come back in time. */
    List<String> run(String command, Duration timeout) throws IOException, InterruptedException {
        String marker = "__end_" + MARKERS.incrementAndGet() + "__";
        synchronized (stdin) {
            stdin.write(command + "\n" + "echo " + marker + "\n");
            stdin.flush();
        }
        List<String> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError(name + ": no answer to '" + command + "' within " + timeout + "; got " + out
                        + (process.isAlive() ? "" : " (process exited with " + process.exitValue() + ")") + "; log " + log);
            }
            if (line.equals(marker)) return out;
            if (!line.isEmpty() && !line.startsWith("____") && !line.startsWith("Welcome to Apache Felix Gogo")) out.add(line);
        }
    }

    String runOne(String command, Duration timeout) throws IOException, InterruptedException {
        return String.join("\n", run(command, timeout));
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: the node dies at once, without handing anything over. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the node stops gracefully. */
    boolean terminate(Duration wait) throws InterruptedException {
        process.destroy();
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends the shell's input: the shell stops the framework and the JVM exits. */
    boolean closeInput(Duration wait) throws IOException, InterruptedException {
        stdin.close();
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
