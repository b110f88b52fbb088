package org.processhub.systest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small real network for one test, built from Linux network namespaces, that can be split in two and
 * healed: hosts {@code a1..aN} (group A) and {@code b1..bM} (group B), each a namespace of its own.
 *
 * <pre>
 *   &lt;run&gt;-a1  eth0 169.254.77.101 ─┐                          ┌─ eth0 169.254.77.201  &lt;run&gt;-b1
 *   &lt;run&gt;-a2  eth0 169.254.77.102 ─┤ brA ── xa ═══ xb ── brB ├─ eth0 169.254.77.202  &lt;run&gt;-b2
 *   ...                              ┘      (&lt;run&gt;-sw)          └─ ...
 * </pre>
 *
 * Each host namespace has {@code lo} up and one veth {@code eth0} whose peer ({@code pa1}, {@code pb1}, ...)
 * is a port of its group's bridge. Both bridges live in one "switch" namespace {@code <run>-sw} and are
 * joined by one veth pair {@code xa}/{@code xb}: {@link #cut()} downs that pair (A and B can no longer reach
 * each other, each group stays connected inside), {@link #heal()} brings it up. All addresses are link-local
 * ({@code 169.254.77.0/24}) inside namespaces this lab created, with no route anywhere else; nothing is
 * added to the root namespace (every veth is created inside the switch namespace with its peer moved
 * straight into the host namespace), so deleting the namespaces removes every link.
 *
 * <p>{@link #close()} deletes the namespaces; it is idempotent and also runs from a JVM shutdown hook.
 * A lab whose JVM was killed with SIGKILL (no hook) is swept by the next {@link #create}: run ids made by
 * {@link #runId} carry the creating JVM's pid, and namespaces of a dead pid are deleted. Needs root and
 * iproute2; the connectivity probe needs {@code bash} ({@code /dev/tcp}) and {@code timeout} (there is no
 * ping or nc on these machines). Check {@link #available()} first.
 */
final class NetworkLab implements AutoCloseable {
    static final String SUBNET = "169.254.77.";
    static final int PREFIX_LENGTH = 24;
    /** Port the TCP probe connects to: nothing listens there, so a reachable host answers with a RST. */
    static final int PROBE_PORT = 9;
    private static final String NAME_PREFIX = "phl";
    private static final Pattern OWNED = Pattern.compile("^" + NAME_PREFIX + "(\\d+)-[A-Za-z0-9_.-]+$");
    private static final Set<NetworkLab> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile Boolean available;
    private static volatile String unavailableReason = "";
    private static volatile Thread hook;

    /** One host of the lab: a network namespace with one address. */
    static final class Host {
        private final String name;
        private final String namespace;
        private final String address;
        private final char group;

        Host(String name, String namespace, String address, char group) {
            this.name = name;
            this.namespace = namespace;
            this.address = address;
            this.group = group;
        }

        /** e.g. {@code a1}. */
        String name() {
            return name;
        }

        /** The namespace, {@code <runId>-<name>}. */
        String namespace() {
            return namespace;
        }

        /** Its IPv4 address (on {@code eth0}). */
        String address() {
            return address;
        }

        /** {@code 'A'} or {@code 'B'}. */
        char group() {
            return group;
        }

        /** {@code ip netns exec <namespace>}: put it before a command to run the command on this host. */
        List<String> prefix() {
            return List.of("ip", "netns", "exec", namespace);
        }

        /** Runs a command on this host; returns its output lines (stdout and stderr). Fails on a non-zero exit. */
        List<String> exec(String... cmd) throws IOException {
            List<String> full = new ArrayList<>(prefix());
            full.addAll(Arrays.asList(cmd));
            return run(full, Duration.ofSeconds(60)).orThrow();
        }

        /** Runs a command on this host; returns exit code and output, whatever the exit code. */
        Result tryExec(Duration timeout, String... cmd) throws IOException {
            List<String> full = new ArrayList<>(prefix());
            full.addAll(Arrays.asList(cmd));
            return run(full, timeout);
        }

        @Override
        public String toString() {
            return name + "(" + address + ")";
        }
    }

    /** Exit code and merged output of a command; exit -1 if it was killed for taking too long. */
    record Result(List<String> command, int exit, List<String> lines) {
        List<String> orThrow() throws IOException {
            if (exit != 0) throw new IOException("'" + String.join(" ", command) + "' exited with " + exit + ": " + String.join(" | ", lines));
            return lines;
        }
    }

    private final String runId;
    private final List<Host> hosts;
    private final String switchNs;
    private volatile boolean cut;
    private volatile boolean closed;

    private NetworkLab(String runId, List<Host> hosts) {
        this.runId = runId;
        this.hosts = Collections.unmodifiableList(hosts);
        this.switchNs = runId + "-sw";
    }

    /** A run id unique to this JVM and call, which lets a later lab sweep namespaces left by a killed JVM. */
    static String runId(String tag) {
        String t = tag.replaceAll("[^A-Za-z0-9]", "");
        if (t.length() > 12) t = t.substring(0, 12);
        return NAME_PREFIX + ProcessHandle.current().pid() + "-" + t + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    }

    /**
     * Whether this machine can build labs: running as root, {@code ip netns} works, and a trial namespace
     * can be created, brought up and probed. The answer is computed once; see {@link #unavailableReason()}.
     */
    static synchronized boolean available() {
        if (available == null) {
            available = check();
        }
        return available;
    }

    static String unavailableReason() {
        return unavailableReason;
    }

    private static boolean check() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            unavailableReason = "not Linux";
            return false;
        }
        try {
            Result id = run(List.of("id", "-u"), Duration.ofSeconds(10));
            if (id.exit != 0 || !id.lines.equals(List.of("0"))) {
                unavailableReason = "not running as root (id -u: " + id.lines + ")";
                return false;
            }
            Result list = run(List.of("ip", "netns", "list"), Duration.ofSeconds(10));
            if (list.exit != 0) {
                unavailableReason = "'ip netns list' failed: " + list.lines;
                return false;
            }
            String ns = runId("probe");
            try {
                run(List.of("ip", "netns", "add", ns), Duration.ofSeconds(20)).orThrow();
                run(List.of("ip", "-n", ns, "link", "set", "lo", "up"), Duration.ofSeconds(20)).orThrow();
                // the probe's tools: a RST from a closed port on lo counts as reachable
                if (!probe(ns, "127.0.0.1", Duration.ofSeconds(5))) {
                    unavailableReason = "TCP probe (bash /dev/tcp, timeout) does not work inside a namespace";
                    return false;
                }
            } finally {
                run(List.of("ip", "netns", "del", ns), Duration.ofSeconds(20));
            }
            return true;
        } catch (IOException e) {
            unavailableReason = "cannot run ip/id/bash: " + e.getMessage();
            return false;
        }
    }

    /**
     * Builds a lab: {@code groupA} hosts {@code a1..} and {@code groupB} hosts {@code b1..}, all connected.
     * {@code runId} prefixes every namespace name and must be unique to the run (see {@link #runId}).
     */
    static NetworkLab create(String runId, int groupA, int groupB) throws IOException {
        if (!runId.matches("[A-Za-z0-9_.-]{1,40}")) throw new IllegalArgumentException("bad run id '" + runId + "'");
        if (groupA < 1 || groupB < 1 || groupA > 99 || groupB > 54) throw new IllegalArgumentException("groups of 1..99 and 1..54 hosts");
        if (!available()) throw new IllegalStateException("network namespaces not available: " + unavailableReason);
        sweepDeadRuns();
        List<Host> hosts = new ArrayList<>();
        for (int i = 1; i <= groupA; i++) hosts.add(new Host("a" + i, runId + "-a" + i, SUBNET + (100 + i), 'A'));
        for (int i = 1; i <= groupB; i++) hosts.add(new Host("b" + i, runId + "-b" + i, SUBNET + (200 + i), 'B'));
        NetworkLab lab = new NetworkLab(runId, hosts);
        Set<String> existing = Set.copyOf(namespaces());
        for (String ns : lab.namespaceNames()) {
            if (existing.contains(ns)) throw new IllegalStateException("namespace " + ns + " exists already: run id not unique");
        }
        OPEN.add(lab);
        ensureHook();
        try {
            lab.build();
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build() throws IOException {
        ip("netns", "add", switchNs);
        ip("-n", switchNs, "link", "set", "lo", "up");
        for (String br : List.of("brA", "brB")) {
            ip("-n", switchNs, "link", "add", br, "type", "bridge");
            ip("-n", switchNs, "link", "set", br, "up");
        }
        ip("-n", switchNs, "link", "add", "xa", "type", "veth", "peer", "name", "xb");
        ip("-n", switchNs, "link", "set", "xa", "master", "brA");
        ip("-n", switchNs, "link", "set", "xb", "master", "brB");
        ip("-n", switchNs, "link", "set", "xa", "up");
        ip("-n", switchNs, "link", "set", "xb", "up");
        for (Host h : hosts) {
            ip("netns", "add", h.namespace);
            ip("-n", h.namespace, "link", "set", "lo", "up");
            String port = "p" + h.name;
            // created in the switch namespace, peer moved straight into the host: nothing in the root namespace
            ip("-n", switchNs, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", h.namespace);
            ip("-n", switchNs, "link", "set", port, "master", "br" + h.group);
            ip("-n", switchNs, "link", "set", port, "up");
            ip("-n", h.namespace, "addr", "add", h.address + "/" + PREFIX_LENGTH, "dev", "eth0");
            ip("-n", h.namespace, "link", "set", "eth0", "up");
        }
    }

    String runId() {
        return runId;
    }

    List<Host> hosts() {
        return hosts;
    }

    List<Host> groupA() {
        return hosts.stream().filter(h -> h.group == 'A').toList();
    }

    List<Host> groupB() {
        return hosts.stream().filter(h -> h.group == 'B').toList();
    }

    Host host(String name) {
        return hosts.stream().filter(h -> h.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no host " + name + " in " + hosts));
    }

    boolean isCut() {
        return cut;
    }

    /** Downs the link between the two groups' bridges: A and B are partitioned, each group stays connected. */
    void cut() throws IOException {
        ip("-n", switchNs, "link", "set", "xa", "down");
        ip("-n", switchNs, "link", "set", "xb", "down");
        cut = true;
    }

    /** Brings the link between the groups up again. */
    void heal() throws IOException {
        ip("-n", switchNs, "link", "set", "xa", "up");
        ip("-n", switchNs, "link", "set", "xb", "up");
        cut = false;
    }

    /**
     * Whether {@code from} reaches {@code to} over TCP right now: a connect to a closed port answered (RST,
     * "Connection refused") or accepted counts as reachable; no answer within the timeout does not.
     */
    boolean reachable(Host from, Host to, Duration timeout) throws IOException {
        return probe(from.namespace, to.address, timeout);
    }

    private static boolean probe(String ns, String address, Duration timeout) throws IOException {
        long secs = Math.max(1, timeout.toSeconds());
        Result r = run(List.of("ip", "netns", "exec", ns, "timeout", String.valueOf(secs), "bash", "-c",
                "exec 3<>/dev/tcp/" + address + "/" + PROBE_PORT), Duration.ofSeconds(secs + 20));
        return r.exit == 0 || r.lines.stream().anyMatch(l -> l.contains("Connection refused"));
    }

    /** Every namespace name this lab uses (whether or not it exists yet). */
    List<String> namespaceNames() {
        List<String> names = new ArrayList<>();
        hosts.forEach(h -> names.add(h.namespace));
        names.add(switchNs);
        return names;
    }

    /** Which of this lab's namespaces exist now. */
    List<String> existingNamespaces() throws IOException {
        List<String> all = namespaces();
        return namespaceNames().stream().filter(all::contains).toList();
    }

    /**
     * Deletes every namespace of the lab (and with them every veth and bridge). Idempotent. Node processes
     * still running in a host namespace keep it alive, unnamed, until they exit: close them first.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        List<String> failed = new ArrayList<>();
        try {
            List<String> present = existingNamespaces();
            for (String ns : namespaceNames()) {
                if (!present.contains(ns)) continue;
                Result r = run(List.of("ip", "netns", "del", ns), Duration.ofSeconds(30));
                if (r.exit != 0) failed.add(ns + ": " + r.lines);
            }
        } catch (IOException e) {
            failed.add(e.toString());
        }
        if (failed.isEmpty()) {
            closed = true;
            OPEN.remove(this);
        } else {
            // left open: a later close() (or the shutdown hook) tries again
            System.err.println("NetworkLab " + runId + ": could not delete " + failed);
        }
    }

    private static void ensureHook() {
        if (hook != null) return;
        synchronized (NetworkLab.class) {
            if (hook != null) return;
            hook = new Thread(() -> List.copyOf(OPEN).forEach(NetworkLab::close), "network-lab-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** Deletes namespaces named by {@link #runId} whose creating JVM is gone (killed before its hook ran). */
    private static void sweepDeadRuns() throws IOException {
        for (String ns : namespaces()) {
            Matcher m = OWNED.matcher(ns);
            if (!m.matches()) continue;
            long pid = Long.parseLong(m.group(1));
            if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) {
                System.err.println("NetworkLab: deleting namespace " + ns + " left by dead JVM " + pid);
                run(List.of("ip", "netns", "del", ns), Duration.ofSeconds(30));
            }
        }
    }

    /** Names from {@code ip netns list} (lines look like {@code name} or {@code name (id: 3)}). */
    static List<String> namespaces() throws IOException {
        List<String> names = new ArrayList<>();
        for (String l : run(List.of("ip", "netns", "list"), Duration.ofSeconds(20)).orThrow()) {
            String n = l.trim().split("\\s+")[0];
            if (!n.isEmpty()) names.add(n);
        }
        return names;
    }

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(Arrays.asList(args));
        run(cmd, Duration.ofSeconds(30)).orThrow();
    }

    static Result run(List<String> cmd, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                out[0] = in.readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        }, "netlab-out");
        reader.setDaemon(true);
        reader.start();
        try {
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(10_000);
            String text = out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8);
            List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\\R"));
            return new Result(List.copyOf(cmd), done ? p.exitValue() : -1, lines);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running " + cmd, e);
        }
    }

    @Override
    public String toString() {
        return "NetworkLab " + runId + " " + hosts + (cut ? " (cut)" : "");
    }
}
