package org.processhub.systest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Convergence checks shared by the system tests, all driven through the nodes' shells: wait with a
 * deadline (polling, never a fixed sleep as synchronisation) until the nodes see the expected members,
 * or until every child runs exactly once and every registry agrees. Also records step timings.
 */
final class HubChecks {
    private HubChecks() {}

    /** Step timings of one test, printed as they happen and at the end. */
    static final class Timings {
        final Map<String, Long> steps = new LinkedHashMap<>();

        long step(String what, long t0) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            steps.put(what, ms);
            System.out.println("step: " + what + ": " + ms + " ms");
            return ms;
        }

        @Override
        public String toString() {
            return "timings (ms): " + steps;
        }
    }

    /** Waits until every node's hub {@code default} is alive with {@code n} members ({@code hub:hubs}). */
    static void awaitMembers(List<NodeProcess> nodes, int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (NodeProcess p : nodes) {
                List<String> hubs = p.run("hub:hubs", NodeCluster.CMD);
                if (hubs.stream().noneMatch(l -> l.startsWith("default alive=true nodes=" + n + " "))) {
                    all = false;
                    last = p.name + ": " + hubs;
                    break;
                }
            }
            if (all) return;
            Thread.sleep(100);
        }
        throw new AssertionError("the nodes did not all see " + n + " members within " + timeout + "; last: " + last);
    }

    /**
     * Waits until {@code hub:nodes default} on each of {@code nodes} lists exactly {@code members}
     * (by node name, any order).
     */
    static void awaitMemberNames(List<NodeProcess> nodes, Collection<String> members, Duration timeout) throws Exception {
        Set<String> want = new TreeSet<>(members);
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Set<String>> seen = new LinkedHashMap<>();
        while (true) {
            seen.clear();
            boolean all = true;
            for (NodeProcess p : nodes) {
                Set<String> got = memberNames(p);
                seen.put(p.name, got);
                if (!got.equals(want)) all = false;
            }
            if (all) return;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the nodes " + names(nodes) + " did not all see exactly " + want + " within " + timeout
                        + "; last seen (hub:nodes default): " + seen);
            }
            Thread.sleep(200);
        }
    }

    /** {@code hub:nodes default} of one node as a sorted set. */
    static Set<String> memberNames(NodeProcess p) throws Exception {
        Set<String> got = new TreeSet<>();
        for (String l : p.run("hub:nodes default", NodeCluster.CMD)) {
            if (!l.isBlank()) got.add(l.trim());
        }
        return got;
    }

    /**
     * Waits until {@code hub:ps --global default} on the first node lists {@code children} children each
     * on exactly one node and every node's registry ({@code hub:ps default}) has them at the same place;
     * returns child → node.
     */
    static Map<String, String> awaitConverged(List<NodeProcess> nodes, int children, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        Map<String, String> running = null;
        while (System.nanoTime() < deadline) {
            List<String> global = nodes.get(0).run("hub:ps --global default", NodeCluster.CMD);
            running = parse(global);
            if (running != null && running.size() == children) {
                boolean agree = true;
                for (NodeProcess p : nodes) {
                    Map<String, String> registry = parse(p.run("hub:ps default", NodeCluster.CMD));
                    if (!running.equals(registry)) {
                        agree = false;
                        last = p.name + "'s registry differs (" + (registry == null ? "duplicates" : registry.size() + " rows") + ")";
                        break;
                    }
                }
                if (agree) return running;
            } else {
                last = running == null ? "children running twice (or an error line): " + unparsable(global) : running.size() + " children running";
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no convergence of " + names(nodes) + " within " + timeout + ": " + last + notRunning(nodes, running));
    }

    /** For a failure message: children in the registries that do not run, with each registry's row for a few of them. */
    private static String notRunning(List<NodeProcess> nodes, Map<String, String> running) {
        if (running == null) return "";
        try {
            Map<String, Map<String, String>> registries = new LinkedHashMap<>();
            Set<String> missing = new TreeSet<>();
            for (NodeProcess p : nodes) {
                Map<String, String> rows = new HashMap<>();
                for (String l : p.run("hub:ps default", NodeCluster.CMD)) {
                    String[] parts = l.split(" ", 2);
                    if (parts.length == 2) rows.put(parts[0], parts[1]);
                }
                registries.put(p.name, rows);
                rows.keySet().stream().filter(c -> !running.containsKey(c)).forEach(missing::add);
            }
            if (missing.isEmpty()) return "";
            StringBuilder b = new StringBuilder("; ").append(missing.size()).append(" registered but not running: ");
            missing.stream().limit(12).forEach(c -> {
                b.append(c).append(" [");
                registries.forEach((node, rows) -> b.append(node).append(": ").append(rows.getOrDefault(c, "-")).append("; "));
                b.setLength(b.length() - 2);
                b.append("] ");
            });
            if (missing.size() > 12) b.append("...");
            return b.toString();
        } catch (Exception | AssertionError e) {
            return "; (could not read the registries: " + e.getMessage() + ")";
        }
    }

    /** {@code <child> <node>} lines → map; null if a child is listed on more than one node (or a line is not a row). */
    static Map<String, String> parse(List<String> lines) {
        Map<String, String> m = new HashMap<>();
        for (String l : lines) {
            String[] parts = l.split(" ");
            if (parts.length != 2 || parts[1].contains(",")) return null;
            m.put(parts[0], parts[1]);
        }
        return m;
    }

    /** The first lines {@link #parse} rejects, for a failure message. */
    private static List<String> unparsable(List<String> lines) {
        return lines.stream().filter(l -> l.split(" ").length != 2 || l.contains(",")).limit(10).toList();
    }

    /** {@code hub:ps --global default} on one node, as child → list of nodes running it (no parsing shortcuts). */
    static Map<String, List<String>> globalRows(NodeProcess p) throws Exception {
        Map<String, List<String>> m = new HashMap<>();
        for (String l : p.run("hub:ps --global default", NodeCluster.CMD)) {
            String[] parts = l.split(" ");
            if (parts.length != 2) throw new AssertionError(p.name + ": unexpected hub:ps --global line '" + l + "'");
            m.put(parts[0], List.of(parts[1].split(",")));
        }
        return m;
    }

    static List<String> names(List<NodeProcess> nodes) {
        List<String> n = new ArrayList<>();
        for (NodeProcess p : nodes) n.add(p.name);
        return n;
    }
}
