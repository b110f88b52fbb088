package org.processhub.benchmarks.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a driver run does. {@code --smoke} (the default build's run) and {@code --full} set every option;
 * single options after them override it, e.g. {@code --full --reps 5 --ks 1000,10000 --systems processhub}.
 */
final class Options {
    String mode = "smoke";
    List<String> systems = List.of("processhub", "ignite");
    List<Integer> ks = List.of(200);
    int reps = 2;
    /** Ignite Service Grid runs only up to this K (deployAll of 100k singletons is impractical; see docs). */
    int igniteMaxK = 10_000;
    int batch = 10_000;
    int propagationReps = 20;
    int callN = 2_000;
    int callWindow = 16;
    /** 0: no memory scenario. */
    int memoryK = 0;
    int igniteMemoryK = 0;
    boolean fill = false;
    int placementK = 10_000;
    long settleMs = 1000;
    /** After a join, "nothing moved" counts only once this long has passed (Ignite never moves; a ProcessHub join may be late). */
    long joinQuietMs = 5000;
    int floorN = 5_000;
    /** Record JFR (profile settings) on the ProcessHub nodes and dump it after the start phase. */
    boolean jfr = false;
    /** JFR settings for --jfr: profile.jfc with 1 ms Java sampling (jfr/profile-1ms.jfc in this module). */
    String jfrSettings = Path.of("jfr", "profile-1ms.jfc").toAbsolutePath().toString();
    /** Bundles stopped on every ProcessHub node once it is ready (A/B experiments, e.g. org.apache.felix.eventadmin). */
    List<String> stopBundles = List.of();
    /** Measure heap on every node before and after the start phase (forces full GCs in between phases). */
    boolean clusterHeap = true;
    /** After the start: how long to watch the idle cluster's CPU (steady-state cost of K children); 0: skip. */
    long idleMs = 0;
    Path out = Path.of("target", "bench-runs");
    final String[] args;

    // set by the build (surefire system properties) or run.sh
    final Path processhubJar = Path.of(System.getProperty("processhub.jar", "../processhub.app/target/processhub.jar")).toAbsolutePath();
    final Path agentJar = Path.of(System.getProperty("benchagent.jar",
            "../processhub.benchagent/target/processhub.benchagent-0.1.0-SNAPSHOT.jar")).toAbsolutePath();
    final Path classpathFile = Path.of(System.getProperty("bench.classpath.file", "target/classpath.txt")).toAbsolutePath();
    final Path classes = Path.of(System.getProperty("bench.classes", "target/classes")).toAbsolutePath();
    final String igniteOpens = System.getProperty("ignite.jvm.opens", "");

    Options(String... args) {
        this.args = args;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--smoke" -> { } // the defaults
                case "--full" -> {
                    mode = "full";
                    ks = List.of(1_000, 10_000, 100_000);
                    reps = 3;
                    propagationReps = 1000;
                    callN = 20_000;
                    callWindow = 64;
                    memoryK = 100_000;
                    igniteMemoryK = 10_000;
                    fill = true;
                    placementK = 100_000;
                    settleMs = 3000;
                    joinQuietMs = 30_000;
                    idleMs = 20_000;
                    floorN = 20_000;
                }
                case "--systems" -> systems = List.of(args[++i].split(","));
                case "--ks" -> ks = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--ignite-max-k" -> igniteMaxK = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--propagation" -> propagationReps = Integer.parseInt(args[++i]);
                case "--calls" -> callN = Integer.parseInt(args[++i]);
                case "--window" -> callWindow = Integer.parseInt(args[++i]);
                case "--memory" -> memoryK = Integer.parseInt(args[++i]);
                case "--ignite-memory" -> igniteMemoryK = Integer.parseInt(args[++i]);
                case "--fill" -> fill = Boolean.parseBoolean(args[++i]);
                case "--placement" -> placementK = Integer.parseInt(args[++i]);
                case "--settle" -> settleMs = Long.parseLong(args[++i]);
                case "--join-quiet" -> joinQuietMs = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--jfr" -> jfr = true;
                case "--idle-ms" -> idleMs = Long.parseLong(args[++i]);
                case "--jfr-settings" -> jfrSettings = args[++i];
                case "--stop-bundles" -> stopBundles = List.of(args[++i].split(","));
                case "--cluster-heap" -> clusterHeap = Boolean.parseBoolean(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (systems.contains("processhub") && !Files.isRegularFile(processhubJar)) {
            throw new IllegalStateException("node jar not found: " + processhubJar + " (mvn -o install -DskipTests first)");
        }
        if (systems.contains("processhub") && !Files.isRegularFile(agentJar)) {
            throw new IllegalStateException("bench agent not found: " + agentJar);
        }
    }

    /** The Ignite nodes' classpath: this module's classes and dependencies. */
    String igniteClasspath() throws java.io.IOException {
        return classes + java.io.File.pathSeparator + Files.readString(classpathFile).trim();
    }

    List<String> igniteOpensList() {
        List<String> l = new ArrayList<>();
        for (String s : igniteOpens.trim().split("\\s+")) if (!s.isBlank()) l.add(s);
        return l;
    }

    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode);
        m.put("args", List.of(args));
        m.put("systems", systems);
        m.put("ks", ks);
        m.put("reps", reps);
        m.put("ignite_max_k", igniteMaxK);
        m.put("batch", batch);
        m.put("propagation_reps", propagationReps);
        m.put("calls", callN);
        m.put("call_window", callWindow);
        m.put("memory_k", memoryK);
        m.put("ignite_memory_k", igniteMemoryK);
        m.put("fill", fill);
        m.put("settle_ms", settleMs);
        m.put("join_quiet_ms", joinQuietMs);
        m.put("idle_ms", idleMs);
        m.put("jfr", jfr);
        m.put("stop_bundles", stopBundles);
        return m;
    }
}
