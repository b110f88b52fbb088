package org.processhub.systest;

import java.io.IOException;
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
import java.util.function.Predicate;

/**
 * Helpers for the strategy system tests (quorum, hot swap): nodes started with config files in their etc
 * folder, waits on hub state with deadlines, cluster-wide convergence checks and bulk shell commands.
 * Kept apart from {@link NodeProcess} and {@link NodeCluster}, which only their owners change.
 */
final class ShellSupport {
    private ShellSupport() {}

    /** Writes {@code files} (name → content) into the node's etc folder, then starts the node. */
    static NodeProcess startWithConfig(NodeCluster cluster, String name, Map<String, String> files) throws IOException {
        Path etc = Files.createDirectories(cluster.workDir.resolve(name).resolve("etc"));
        for (Map.Entry<String, String> f : files.entrySet()) Files.writeString(etc.resolve(f.getKey()), f.getValue());
        return cluster.start(name);
    }

    static Map<String, String> status(NodeProcess node) throws Exception {
        return NodeCluster.status(node.run("hub:status default", NodeCluster.CMD));
    }

    /** Waits until {@code condition} holds for the {@code hub:status default} of every node; returns the last statuses. */
    static Map<String, Map<String, String>> awaitStatus(Collection<NodeProcess> nodes, String what, Duration timeout,
            Predicate<Map<String, String>> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Map<String, String>> last = new LinkedHashMap<>();
        while (true) {
            boolean all = true;
            for (NodeProcess n : nodes) {
                Map<String, String> s = status(n);
                last.put(n.name, s);
                if (!condition.test(s)) all = false;
            }
            if (all) return last;
            if (System.nanoTime() > deadline) {
                StringBuilder b = new StringBuilder("not every node reached '" + what + "' within " + timeout + ":");
                last.forEach((n, s) -> b.append("\n  ").append(n).append(": partitioned=").append(s.get("partitioned"))
                        .append(" nodes=").append(s.get("nodes")).append(" members=").append(s.get("members"))
                        .append(" children.local=").append(s.get("children.local"))
                        .append(" children.registry=").append(s.get("children.registry"))
                        .append(" locked=").append(s.get("locked")));
                throw new AssertionError(b.toString());
            }
            Thread.sleep(200);
        }
    }

    /** Waits until every node's hub {@code default} has {@code n} members. */
    static void awaitMembers(Collection<NodeProcess> nodes, int n, Duration timeout) throws Exception {
        awaitStatus(nodes, n + " members", timeout, s -> "true".equals(s.get("alive")) && String.valueOf(n).equals(s.get("nodes")));
    }

    /** {@code <child> <node>} lines → child → node; null if a child is listed on more than one node. */
    static Map<String, String> parsePlacement(List<String> lines) {
        Map<String, String> m = new HashMap<>();
        for (String l : lines) {
            String[] parts = l.split(" ");
            if (parts.length != 2 || parts[1].contains(",")) return null;
            if (m.put(parts[0], parts[1].replace("*", "")) != null) return null;
        }
        return m;
    }

    /**
     * Waits until {@code hub:ps --global} on {@code asker} shows exactly the {@code expected} children, each on
     * one node, and the registry of every node in {@code nodes} agrees; returns child → node.
     */
    static Map<String, String> awaitConverged(NodeProcess asker, Collection<NodeProcess> nodes, Set<String> expected,
            Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Map<String, String> running = parsePlacement(asker.run("hub:ps --global default", NodeCluster.CMD));
            if (running != null && running.keySet().equals(expected)) {
                boolean agree = true;
                for (NodeProcess p : nodes) {
                    Map<String, String> registry = parsePlacement(p.run("hub:ps default", NodeCluster.CMD));
                    if (!running.equals(registry)) {
                        agree = false;
                        last = p.name + "'s registry differs from what runs (" + (registry == null ? "duplicates" : registry.size() + " rows") + ")";
                        break;
                    }
                }
                if (agree) return running;
            } else if (running == null) {
                last = "a child runs on more than one node";
            } else {
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(running.keySet());
                Set<String> extra = new TreeSet<>(running.keySet());
                extra.removeAll(expected);
                last = running.size() + " of " + expected.size() + " children running; missing " + missing.size() + " "
                        + head(missing) + (extra.isEmpty() ? "" : "; unexpected " + head(extra));
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no convergence within " + timeout + ": " + last);
    }

    /** The children {@code <prefix>0 .. <prefix><count-1>}. */
    static Set<String> ids(String prefix, int count) {
        Set<String> s = new TreeSet<>();
        for (int i = 0; i < count; i++) s.add(prefix + i);
        return s;
    }

    static String head(Collection<String> items) {
        List<String> l = new ArrayList<>(items);
        return l.size() <= 12 ? l.toString() : l.subList(0, 12) + "...";
    }

    /**
     * Runs many {@code hub:call}s through one node's shell at once: the commands are written in chunks as
     * {@code echo <child> (hub:call default <child> <message>)} lines, so each answer comes back as one
     * {@code <child> <reply>} line and no per-command round trip is needed. Returns child → reply.
     */
    static Map<String, String> callAll(NodeProcess node, Map<String, String> messages, Duration timeout) throws Exception {
        Map<String, String> replies = new LinkedHashMap<>();
        List<Map.Entry<String, String>> all = new ArrayList<>(messages.entrySet());
        int chunk = 250;
        for (int from = 0; from < all.size(); from += chunk) {
            StringBuilder script = new StringBuilder();
            List<Map.Entry<String, String>> part = all.subList(from, Math.min(all.size(), from + chunk));
            for (Map.Entry<String, String> e : part) {
                if (script.length() > 0) script.append('\n');
                script.append("echo ").append(e.getKey()).append(" (hub:call default ").append(e.getKey()).append(' ')
                        .append(e.getValue()).append(')');
            }
            for (String line : node.run(script.toString(), timeout)) {
                int sp = line.indexOf(' ');
                String child = sp < 0 ? line : line.substring(0, sp);
                if (messages.containsKey(child)) replies.put(child, sp < 0 ? "" : line.substring(sp + 1));
            }
        }
        return replies;
    }
}
