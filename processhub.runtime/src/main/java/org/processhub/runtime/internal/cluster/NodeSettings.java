package org.processhub.runtime.internal.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A node's cluster settings (configuration PID {@code org.processhub.cluster}). Each option may also come
 * from a system property ({@code processhub.<option>}), which wins over the configuration, so a node can
 * be started with {@code -Dprocesshub.discovery.port=...}. Defaults keep a node on loopback and off
 * Ignite's default ports, so it never joins a stray Ignite cluster. A discovery or communication port of
 * {@code 0} means "any free ports" (a node on its own, e.g. in tests).
 *
 * @param nodeName unique node name; empty = {@code <localAddress>:<transport port>}
 * @param discoveryAddresses where to look for other nodes, {@code host:port} or {@code host:from..to}
 * @param clusterName nodes only merge with (and answer the beacon for) clusters of the same name
 * @param mergeBeaconOffset the merge beacon listens at discovery port + this offset; 0 disables merging
 * @param mergeInterval how often a node looks for another cluster of its name to merge with
 * @param secret the cluster secret nodes must prove they know (null: none)
 * @param tls mutual TLS for discovery, communication and transport (null: plain TCP)
 * @param insecure allow binding a non-loopback address with neither secret nor TLS
 */
public record NodeSettings(String nodeName, String localAddress, int discoveryPort, int discoveryPortRange,
        List<String> discoveryAddresses, int communicationPort, int communicationPortRange, int transportPort,
        Duration failureDetectionTimeout, int maxFrameBytes, Path workDirectory, String clusterName,
        int mergeBeaconOffset, Duration mergeInterval, Secret secret, TlsConfig tls, boolean insecure) {

    public static final int DEFAULT_DISCOVERY_PORT = 48500;
    public static final int DEFAULT_DISCOVERY_RANGE = 10;
    public static final int DEFAULT_COMMUNICATION_PORT = 48100;
    public static final int DEFAULT_COMMUNICATION_RANGE = 100;
    public static final long DEFAULT_FAILURE_DETECTION_MS = 5000;
    public static final int DEFAULT_MAX_FRAME = 16 << 20;
    public static final int DEFAULT_BEACON_OFFSET = 1000;
    public static final long DEFAULT_MERGE_INTERVAL_MS = 5000;

    public NodeSettings {
        require(discoveryPort > 0 && discoveryPort < 65536, "discovery.port", discoveryPort, "must be 1..65535");
        require(discoveryPortRange >= 0 && (long) discoveryPort + discoveryPortRange < 65536, "discovery.port.range",
                discoveryPortRange, "must be ≥ 0 and stay below port 65536");
        require(communicationPort > 0 && communicationPort < 65536, "communication.port", communicationPort, "must be 1..65535");
        require(communicationPortRange >= 0, "communication.port.range", communicationPortRange, "must be ≥ 0");
        require(transportPort >= 0 && transportPort < 65536, "transport.port", transportPort, "must be 0 (any) .. 65535");
        require(failureDetectionTimeout.toMillis() >= 200, "failure.detection.timeout", failureDetectionTimeout.toMillis(),
                "must be at least 200 ms");
        require(maxFrameBytes >= 64 << 10, "max.frame.bytes", maxFrameBytes, "must be at least 65536");
        require(!localAddress.isBlank(), "local.address", localAddress, "must not be empty");
        discoveryAddresses = List.copyOf(discoveryAddresses);
        require(!discoveryAddresses.isEmpty(), "discovery.addresses", discoveryAddresses, "must not be empty");
        require(clusterName != null && clusterName.matches("[A-Za-z0-9._-]{1,64}"), "cluster.name", clusterName,
                "must be 1..64 characters of A-Z a-z 0-9 . _ -");
        require(mergeBeaconOffset == 0 || (mergeBeaconOffset > 0 && (long) discoveryPort + discoveryPortRange + mergeBeaconOffset < 65536),
                "merge.beacon.offset", mergeBeaconOffset, "must be 0 (no merging) or keep discovery port + offset below 65536");
        require(mergeInterval.toMillis() >= 100, "merge.interval.ms", mergeInterval.toMillis(), "must be at least 100");
    }

    /**
     * Reads settings from configuration properties, overridden by {@code processhub.*} system properties.
     *
     * @throws IllegalArgumentException naming the option for a bad value
     */
    public static NodeSettings from(Map<String, ?> config) {
        Function<String, String> get = key -> {
            String sys = System.getProperty("processhub." + key);
            if (sys != null && !sys.isBlank()) return sys.trim();
            Object v = config.get(key);
            if (v == null) return null;
            if (v instanceof String[] arr) {
                String joined = String.join(",", arr).trim();
                return joined.isEmpty() ? null : joined;
            }
            String s = String.valueOf(v).trim();
            return s.isEmpty() ? null : s;
        };
        String local = orElse(get.apply("local.address"), "127.0.0.1");
        try {
            java.net.InetAddress.getByName(local);
        } catch (java.net.UnknownHostException | SecurityException e) {
            throw new IllegalArgumentException("option local.address: unknown host '" + local + "'");
        }
        int dport = integer(get, "discovery.port", DEFAULT_DISCOVERY_PORT);
        int drange = integer(get, "discovery.port.range", DEFAULT_DISCOVERY_RANGE);
        // checked here, before the default discovery address is built from them, so the error names them
        require(dport >= 0 && dport < 65536, "discovery.port", dport, "must be 0 (any) or 1..65535");
        require(drange >= 0 && (long) dport + drange < 65536, "discovery.port.range", drange, "must be ≥ 0 and stay below port 65536");
        if (dport == 0) {
            // any free ports: a node on its own (tests), unless discovery.addresses names others
            drange = Math.min(drange, 3);
            dport = FreePorts.range(local, drange + 1);
        }
        String addrs = get.apply("discovery.addresses");
        String host = local.contains(":") ? "[" + local + "]" : local; // IPv6 literals go in brackets
        List<String> addresses = addrs == null
                ? List.of(host + ":" + dport + ".." + (dport + drange))
                : Arrays.stream(addrs.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
        for (String a : addresses) {
            require(validAddress(a), "discovery.addresses", a, "must be host:port or host:from..to (ports 1..65535, from ≤ to)");
        }
        String work = get.apply("work.directory");
        Secret secret = secret(get);
        TlsConfig tls = tls(get);
        boolean insecure = Boolean.parseBoolean(get.apply("insecure"));
        requireSafe(local, secret, tls, insecure);
        return new NodeSettings(orElse(get.apply("node.name"), ""), local, dport, drange, addresses,
                communicationPort(get, local),
                integer(get, "communication.port.range", DEFAULT_COMMUNICATION_RANGE),
                integer(get, "transport.port", 0),
                Duration.ofMillis(integer(get, "failure.detection.timeout", (int) DEFAULT_FAILURE_DETECTION_MS)),
                integer(get, "max.frame.bytes", DEFAULT_MAX_FRAME),
                work == null ? Path.of(System.getProperty("java.io.tmpdir"), "processhub-work") : path(work, "work.directory"),
                orElse(get.apply("cluster.name"), "processhub"),
                integer(get, "merge.beacon.offset", DEFAULT_BEACON_OFFSET),
                Duration.ofMillis(integer(get, "merge.interval.ms", (int) DEFAULT_MERGE_INTERVAL_MS)),
                secret, tls, insecure);
    }

    /** The same settings with other discovery addresses (used to rejoin a particular cluster). */
    public NodeSettings withDiscoveryAddresses(List<String> addresses) {
        return new NodeSettings(nodeName, localAddress, discoveryPort, discoveryPortRange, addresses, communicationPort,
                communicationPortRange, transportPort, failureDetectionTimeout, maxFrameBytes, workDirectory, clusterName,
                mergeBeaconOffset, mergeInterval, secret, tls, insecure);
    }

    public NodeSettings withMerge(int beaconOffset, Duration interval) {
        return new NodeSettings(nodeName, localAddress, discoveryPort, discoveryPortRange, discoveryAddresses,
                communicationPort, communicationPortRange, transportPort, failureDetectionTimeout, maxFrameBytes,
                workDirectory, clusterName, beaconOffset, interval, secret, tls, insecure);
    }

    /** The same settings with a cluster secret and/or TLS (tests). */
    public NodeSettings withSecurity(Secret secret, TlsConfig tls) {
        return new NodeSettings(nodeName, localAddress, discoveryPort, discoveryPortRange, discoveryAddresses,
                communicationPort, communicationPortRange, transportPort, failureDetectionTimeout, maxFrameBytes,
                workDirectory, clusterName, mergeBeaconOffset, mergeInterval, secret, tls, insecure);
    }

    /** Every host:port the discovery addresses name, ranges expanded. */
    public List<String> expandedDiscoveryAddresses() {
        List<String> out = new ArrayList<>();
        for (String a : discoveryAddresses) {
            int colon = a.lastIndexOf(':');
            String host = a.substring(0, colon);
            String ports = a.substring(colon + 1);
            int dots = ports.indexOf("..");
            int from = Integer.parseInt(dots < 0 ? ports : ports.substring(0, dots));
            int to = dots < 0 ? from : Integer.parseInt(ports.substring(dots + 2));
            for (int p = from; p <= to && p < 65536; p++) out.add(host + ":" + p);
        }
        return out;
    }

    /** Loopback settings for tests: discovery on {@code [port, port+range)}, communication from {@code commPort}. */
    public static NodeSettings loopback(String name, int discoveryPort, int range, int commPort, Duration fdt) {
        List<String> addrs = new ArrayList<>();
        addrs.add("127.0.0.1:" + discoveryPort + ".." + (discoveryPort + range));
        return new NodeSettings(name, "127.0.0.1", discoveryPort, range, addrs, commPort, 50, 0, fdt,
                DEFAULT_MAX_FRAME, Path.of(System.getProperty("java.io.tmpdir"), "processhub-work"), "processhub", 0,
                Duration.ofMillis(DEFAULT_MERGE_INTERVAL_MS), null, null, false);
    }

    private static Secret secret(Function<String, String> get) {
        String inline = get.apply("secret");
        String file = get.apply("secret.file");
        if (inline != null && file != null) {
            throw new IllegalArgumentException("option secret: give either secret or secret.file, not both");
        }
        if (file != null) {
            try {
                return Secret.of(java.nio.file.Files.readString(path(file, "secret.file")), "secret.file");
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("option secret.file: cannot read " + file + " (" + e.getMessage() + ")");
            }
        }
        return inline == null ? null : Secret.of(inline, "secret");
    }

    private static TlsConfig tls(Function<String, String> get) {
        String keystore = get.apply("tls.keystore");
        String truststore = get.apply("tls.truststore");
        if (keystore == null && truststore == null) return null;
        if (keystore == null || truststore == null) {
            throw new IllegalArgumentException("option " + (keystore == null ? "tls.keystore" : "tls.truststore")
                    + ": TLS needs both tls.keystore and tls.truststore");
        }
        TlsConfig t = new TlsConfig(path(keystore, "tls.keystore"), chars(get.apply("tls.keystore.password")), path(truststore, "tls.truststore"),
                chars(get.apply("tls.truststore.password")), orElse(get.apply("tls.store.type"), "PKCS12"),
                orElse(get.apply("tls.protocol"), "TLSv1.3"));
        t.context(); // fail now, naming the option, rather than at the first connection
        return t;
    }

    private static final java.util.regex.Pattern ADDRESS =
            java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^:\\s\\[\\]]+):(\\d{1,5})(\\.\\.(\\d{1,5}))?");

    /** {@code host:port} or {@code host:from..to}, IPv6 hosts in brackets, ports 1..65535, from ≤ to. */
    static boolean validAddress(String a) {
        java.util.regex.Matcher m = ADDRESS.matcher(a);
        if (!m.matches()) return false;
        int from = Integer.parseInt(m.group(2));
        int to = m.group(4) == null ? from : Integer.parseInt(m.group(4));
        return from >= 1 && from <= to && to <= 65535;
    }

    private static Path path(String value, String option) {
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("option " + option + ": not a usable path (" + e.getReason() + ")");
        }
    }

    private static char[] chars(String s) {
        return s == null ? new char[0] : s.toCharArray();
    }

    /** A node reachable from other hosts must authenticate its peers, unless told otherwise. */
    private static void requireSafe(String local, Secret secret, TlsConfig tls, boolean insecure) {
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(local).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("option local.address: unknown host " + local);
        }
        if (!loopback && secret == null && tls == null && !insecure) {
            throw new IllegalArgumentException("option local.address: refusing to bind " + local + " (not loopback) with "
                    + "neither a cluster secret (secret or secret.file) nor TLS (tls.keystore and tls.truststore): anyone who "
                    + "reaches this address could join the cluster. Configure one of them, or set insecure=true to accept the risk.");
        }
    }

    private static int communicationPort(Function<String, String> get, String local) {
        int port = integer(get, "communication.port", DEFAULT_COMMUNICATION_PORT);
        return port == 0 ? FreePorts.range(local, 10) : port;
    }

    private static int integer(Function<String, String> get, String key, int dflt) {
        String v = get.apply(key);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + ": '" + v + "' is not a whole number");
        }
    }

    private static String orElse(String v, String dflt) {
        return v == null ? dflt : v;
    }

    private static void require(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("option " + key + ": " + value + " " + rule);
        }
    }
}
