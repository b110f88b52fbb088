package org.processhub.benchmarks.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One node JVM driven through its stdin: a ProcessHub node ({@code java -jar processhub.jar}, Gogo shell)
 * or an Ignite Service Grid node ({@link org.processhub.benchmarks.ignite.IgniteSgNode}). Each command is
 * followed by {@code echo <marker>}; the lines printed before the marker are its output. Commands run one
 * after another on a node, so several may be in flight ({@link #submit}) and are answered in order.
 * stderr (the node's log) goes to a file.
 */
final class Node implements AutoCloseable {
    private static final AtomicInteger MARKERS = new AtomicInteger();
    final String name;
    final Process process;
    final Path log;
    private final Writer stdin;
    private final Deque<Pending> inflight = new ArrayDeque<>();

    /** A submitted command; its future completes with the output lines. */
    static final class Pending {
        final String command;
        final String marker;
        final List<String> lines = new ArrayList<>();
        final CompletableFuture<List<String>> future = new CompletableFuture<>();

        Pending(String command, String marker) {
            this.command = command;
            this.marker = marker;
        }
    }

    private Node(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readLoop, "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static Node launch(String name, Path dir, List<String> command) throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve("node.log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(log.toFile()).start();
        return new Node(name, p, log);
    }

    private void readLoop() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                while (line.startsWith("g! ")) line = line.substring(3);
                synchronized (inflight) {
                    Pending head = inflight.peek();
                    if (head == null) continue;
                    if (line.equals(head.marker)) {
                        inflight.poll();
                        head.future.complete(head.lines);
                    } else if (!line.isBlank()) {
                        head.lines.add(line);
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        synchronized (inflight) {
            for (Pending p : inflight) p.future.completeExceptionally(new IOException(name + " exited; log " + log));
            inflight.clear();
        }
    }

    /** Sends a command; answer with {@link #result}. */
    Pending submit(String command) throws IOException {
        Pending p = new Pending(command, "__end_" + MARKERS.incrementAndGet() + "__");
        synchronized (inflight) {
            inflight.add(p);
        }
        synchronized (stdin) {
            stdin.write(command + "\necho " + p.marker + "\n");
            stdin.flush();
        }
        return p;
    }

    /** The {@code BENCH ...} line of a submitted command, parsed into key → value. */
    Map<String, String> result(Pending p, Duration timeout) throws Exception {
        List<String> lines;
        try {
            lines = p.future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + ": no answer to '" + p.command + "' within " + timeout + "; log " + log);
        }
        for (String l : lines) {
            if (l.startsWith("BENCH ")) return parse(l);
        }
        throw new IllegalStateException(name + ": '" + p.command + "' answered " + lines + "; log " + log);
    }

    Map<String, String> bench(String command, Duration timeout) throws Exception {
        return result(submit(command), timeout);
    }

    /** {@code BENCH <cmd> k=v k=v ...}; the command name is under "cmd". */
    static Map<String, String> parse(String line) {
        Map<String, String> m = new HashMap<>();
        String[] parts = line.split(" ");
        m.put("cmd", parts.length > 1 ? parts[1] : "");
        for (int i = 2; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) m.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return m;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
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
