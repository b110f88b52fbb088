package org.processhub.benchmarks.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The host a run ran on, and heap histograms of node JVMs (jcmd). */
final class Machine {
    private Machine() {}

    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", firstMatch("/proc/cpuinfo", "model name"));
        m.put("ram_gib", Stats.round(memTotalKb() / 1024.0 / 1024.0));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("loadavg_start", loadavg());
        return m;
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static long memTotalKb() {
        String line = firstMatch("/proc/meminfo", "MemTotal");
        try {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String firstMatch(String file, String key) {
        try {
            for (String l : Files.readAllLines(Path.of(file))) {
                if (l.startsWith(key)) return l.substring(l.indexOf(':') + 1).trim();
            }
        } catch (IOException e) {
            // not Linux
        }
        return "?";
    }

    /** CPU time (user + system) a process used so far, in ms (from /proc; clock ticks of 10 ms), or -1. */
    static long cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // fields 14 and 15 of the whole line
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Runs jcmd against a JVM; returns its output. */
    static String jcmd(long pid, String... command) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid)));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out;
        } catch (IOException | InterruptedException e) {
            return "jcmd failed: " + e;
        }
    }

    /** Live-object histogram (jcmd GC.class_histogram forces a full GC): class → bytes. */
    static Map<String, Long> histogram(long pid) {
        Map<String, Long> m = new HashMap<>();
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(pid), "GC.class_histogram").redirectErrorStream(true).start();
            for (String l : new String(p.getInputStream().readAllBytes()).split("\n")) {
                String[] f = l.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    try {
                        m.put(f[3], Long.parseLong(f[2]));
                    } catch (NumberFormatException ignored) {
                        // header
                    }
                }
            }
            p.waitFor();
        } catch (IOException | InterruptedException e) {
            m.put("histogram failed: " + e, 0L);
        }
        return m;
    }

    /** The classes whose live bytes grew most, as bytes per child. */
    static List<Map<String, Object>> diff(Map<String, Long> before, Map<String, Long> after, int k, int top) {
        List<Map.Entry<String, Long>> grew = new ArrayList<>();
        after.forEach((c, b) -> grew.add(Map.entry(c, b - before.getOrDefault(c, 0L))));
        grew.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : grew.subList(0, Math.min(top, grew.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", e.getKey());
            m.put("bytes_per_child", Stats.round(e.getValue() / (double) k));
            out.add(m);
        }
        return out;
    }
}
