package org.processhub.runtime.internal.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.events.DiscoveryEvent;
import org.apache.ignite.events.Event;
import org.apache.ignite.events.EventType;
import org.apache.ignite.lang.IgnitePredicate;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.processhub.api.NodeDownException;
import org.processhub.api.NodeId;
import org.processhub.runtime.internal.log.Log;
import org.processhub.runtime.internal.transport.PeerTransport;
import org.processhub.runtime.internal.transport.TransportSettings;
import org.processhub.runtime.internal.wire.WireCodec;
import org.processhub.runtime.internal.wire.WireFormatException;

/**
 * The cluster on an embedded Ignite server node: Ignite gives membership and failure detection; hub
 * frames travel over our own {@link PeerTransport}, whose address each node publishes as an Ignite node
 * attribute. Ignite nodes without that attribute (not ProcessHub nodes) are ignored.
 */
public final class IgniteCluster implements Cluster, AutoCloseable {
    static final String ATTR_NODE = "processhub.node";
    static final String ATTR_TRANSPORT = "processhub.transport";
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final long RECONCILE_MS = 2000;

    private record Peer(NodeId node, UUID igniteId, InetSocketAddress address) {}

    private final Log log;
    private final NodeSettings settings;
    private final String tag;
    private final NodeId self;
    private final PeerTransport transport;
    private volatile Ignite ignite;
    private int generation;
    private final ExecutorService rejoins;
    private final MergeBeacon beacon;
    private final Map<UUID, Peer> byIgniteId = new ConcurrentHashMap<>();
    private final Map<NodeId, Peer> peers = new ConcurrentHashMap<>();
    private final Map<String, Inbound> hubs = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService events;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService workers;
    private final AtomicLong incarnations = new AtomicLong(System.currentTimeMillis() * 1000);
    private final IgnitePredicate<Event> discoveryListener = this::onDiscovery;
    private final org.processhub.runtime.internal.log.RateLimiter badFrames =
            new org.processhub.runtime.internal.log.RateLimiter(10_000, 1);
    private volatile boolean closed;
    private final java.util.Set<UUID> absentOnce = new java.util.HashSet<>(); // rejoin thread: see reconcile

    /** Starts the transport and the Ignite node and joins the cluster. Blocks until joined. */
    public static IgniteCluster start(NodeSettings settings, Log log) throws IOException {
        return new IgniteCluster(settings, log);
    }

    private IgniteCluster(NodeSettings settings, Log log) throws IOException {
        this.log = log;
        this.settings = settings;
        int instance = INSTANCES.incrementAndGet();
        this.tag = "n" + instance;
        this.self = NodeId.of(settings.nodeName().isEmpty() ? defaultName(settings, instance) : settings.nodeName());
        this.events = Executors.newSingleThreadExecutor(r -> daemon(r, "ph-cluster-events-" + tag));
        this.rejoins = Executors.newSingleThreadExecutor(r -> daemon(r, "ph-cluster-rejoin-" + tag));
        this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "ph-timer-" + tag));
        timer.setRemoveOnCancelPolicy(true);
        this.workers = new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()), pool -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("ph-worker-" + tag + "-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, true);
        InetAddress bind = InetAddress.getByName(settings.localAddress());
        if (settings.insecure() && settings.secret() == null && settings.tls() == null) {
            log.warn("INSECURE: node " + self + " binds " + settings.localAddress() + " with neither cluster secret nor TLS "
                    + "(insecure=true): anyone who reaches this address can join the cluster and run code in it");
        }
        TransportSettings d = TransportSettings.defaults(bind);
        TransportSettings ts = new TransportSettings(bind, settings.transportPort(), settings.maxFrameBytes(),
                d.maxQueuedFrames(), d.connectTimeout(), d.handshakeTimeout(), d.reconnectAttempts(),
                d.reconnectBackoff(), d.socketFactory(), d.serverSocketFactory(),
                settings.secret() == null ? d.authenticator() : JoinAuthenticator.transport(settings.secret(), log));
        if (settings.tls() != null) {
            javax.net.ssl.SSLContext ctx = settings.tls().context();
            ts = ts.withSocketFactories(ctx.getSocketFactory(), TlsConfig.mutualServerSockets(ctx));
        }
        this.transport = new PeerTransport(self, ts, new PeerTransport.Handler() {
            @Override
            public void onFrame(NodeId from, byte[] frame) {
                route(from, frame);
            }

            @Override
            public void onSendFailed(NodeId to, int droppedFrames, Exception cause) {
                if (!closed && peers.containsKey(to)) {
                    log.warn("could not deliver " + droppedFrames + " frame(s) to " + to + ": " + cause.getMessage());
                }
            }
        }, log);
        try {
            this.ignite = startIgnite(settings, false);
            attach(ignite);
            this.beacon = settings.mergeBeaconOffset() > 0 ? startBeacon(settings) : null;
            timer.scheduleWithFixedDelay(() -> {
                try {
                    if (!closed) rejoins.execute(this::reconcile);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // closing
                }
            }, RECONCILE_MS, RECONCILE_MS, TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            if (ignite != null) ignite.close();
            transport.close();
            shutdownPools();
            throw e;
        }
        log.info("node " + self + " joined the cluster: " + nodes().size() + " ProcessHub node(s), transport "
                + transport.localAddress());
    }

    /** Starts listening to an Ignite node's discovery events and takes its topology as the peer set. */
    private void attach(Ignite node) {
        node.events().localListen(discoveryListener, EventType.EVT_NODE_JOINED, EventType.EVT_NODE_LEFT,
                EventType.EVT_NODE_FAILED, EventType.EVT_NODE_SEGMENTED);
        java.util.Set<NodeId> present = new java.util.HashSet<>();
        for (ClusterNode n : node.cluster().forServers().nodes()) {
            if (!n.isLocal()) {
                Peer p = addPeer(n);
                if (p != null) present.add(p.node);
            }
        }
        // peers of a previous Ignite node (before a rejoin) that are not in this cluster are gone for us
        for (Peer old : List.copyOf(peers.values())) {
            if (!present.contains(old.node) && peers.remove(old.node, old)) {
                byIgniteId.remove(old.igniteId);
                transport.forget(old.node);
                events.execute(() -> listeners.forEach(l -> l.nodeDown(old.node, false)));
            }
        }
    }

    /**
     * Safety net for the discovery events (a join event that never reached this node was seen once, in a
     * benchmark run: that peer stayed unknown, and every frame from it was dropped as coming from a stranger):
     * compares the peers with Ignite's topology, adds the missing ones and drops the ones absent twice in a
     * row. Runs on the rejoin thread, so never against an Ignite node that is being replaced.
     */
    private void reconcile() {
        Ignite node = ignite;
        if (closed || node == null) return;
        java.util.Set<UUID> present = new java.util.HashSet<>();
        try {
            for (ClusterNode n : node.cluster().forServers().nodes()) {
                if (n.isLocal()) continue;
                present.add(n.id());
                if (!byIgniteId.containsKey(n.id()) && addPeer(n) != null) {
                    log.info("node " + n.attribute(ATTR_NODE) + " was in the topology without a join event; added");
                }
            }
        } catch (RuntimeException e) {
            return; // stopping
        }
        for (Peer p : List.copyOf(peers.values())) {
            if (present.contains(p.igniteId)) {
                absentOnce.remove(p.igniteId);
            } else if (!absentOnce.add(p.igniteId) && peers.remove(p.node, p)) {
                absentOnce.remove(p.igniteId);
                byIgniteId.remove(p.igniteId);
                transport.forget(p.node);
                log.info("node " + p.node + " left the topology without a leave event; removed");
                events.execute(() -> listeners.forEach(l -> l.nodeDown(p.node, true)));
            }
        }
        absentOnce.retainAll(byIgniteId.keySet());
    }

    /** Tests: stop listening to discovery events, as if every later one were lost. */
    void ignoreDiscoveryEvents() {
        ignite.events().stopLocalListen(discoveryListener);
    }

    private MergeBeacon startBeacon(NodeSettings s) {
        try {
            return new MergeBeacon(s, this::beaconAnswer, addrs -> rejoin(addrs, "merge"), timer, log);
        } catch (IOException e) {
            log.warn("no merge beacon (" + e.getMessage() + "): this node cannot heal a network split by itself");
            return null;
        }
    }

    private MergeBeacon.Answer beaconAnswer() {
        Ignite node = ignite;
        if (node == null || closed) return null;
        try {
            ClusterNode oldest = node.cluster().forServers().forOldest().node();
            if (oldest == null) return null;
            return new MergeBeacon.Answer(settings.clusterName(), oldest.id().toString(),
                    node.cluster().forServers().nodes().size(), settings.localAddress() + ":" + discoveryPort(node));
        } catch (RuntimeException e) {
            return null; // stopping or rejoining
        }
    }

    private static int discoveryPort(Ignite node) {
        return ((TcpDiscoverySpi) node.configuration().getDiscoverySpi()).getLocalPort();
    }

    /**
     * Leaves the current Ignite cluster and joins again through {@code addresses} (all configured ones if
     * empty): used to merge into a larger cluster after a split healed, and after this node was segmented.
     * Hubs and their processes keep running; they see the peers change.
     */
    void rejoin(List<String> addresses, String why) {
        rejoins.execute(() -> {
            if (closed) return;
            Ignite old = ignite;
            try {
                old.events().stopLocalListen(discoveryListener);
                old.close();
            } catch (RuntimeException e) {
                log.debug(() -> "closing the previous Ignite node: " + e);
            }
            NodeSettings s = addresses.isEmpty() ? settings : settings.withDiscoveryAddresses(addresses);
            for (int attempt = 0; attempt < 3 && !closed; attempt++) {
                try {
                    // the target may be gone (or a lie): a bounded join, then the configured addresses
                    ignite = startIgnite(attempt == 0 ? s : settings, attempt == 0 && !addresses.isEmpty());
                    attach(ignite);
                    log.info("node " + self + " rejoined (" + why + "): " + nodes().size() + " ProcessHub node(s)");
                    return;
                } catch (IOException | RuntimeException e) {
                    log.warn("rejoining (" + why + ") failed, attempt " + (attempt + 1) + ": " + e.getMessage());
                }
            }
        });
    }

    private static String defaultName(NodeSettings s, int instance) {
        long pid = ProcessHandle.current().pid();
        return s.localAddress() + "-" + pid + (instance > 1 ? "-" + instance : "");
    }

    private Ignite startIgnite(NodeSettings s, boolean boundedJoin) throws IOException {
        ensureIgniteSystemProperties();
        String name = "processhub-" + self.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + tag + "-" + (++generation);
        InetSocketAddress ta = transport.localAddress();
        TcpDiscoverySpi discovery = new TcpDiscoverySpi();
        if (s.secret() != null) discovery.setAuthenticator(new JoinAuthenticator(s.secret(), log));
        if (boundedJoin) discovery.setJoinTimeout(Math.max(10_000, 3 * s.failureDetectionTimeout().toMillis()));
        discovery
                .setLocalAddress(s.localAddress())
                .setLocalPort(s.discoveryPort())
                .setLocalPortRange(s.discoveryPortRange())
                .setIpFinder(new TcpDiscoveryVmIpFinder().setAddresses(s.discoveryAddresses()));
        TcpCommunicationSpi communication = new TcpCommunicationSpi();
        communication.setLocalAddress(s.localAddress());
        communication.setLocalPort(s.communicationPort());
        communication.setLocalPortRange(s.communicationPortRange());
        communication.setSharedMemoryPort(-1);
        communication.setMessageQueueLimit(1024);
        long fdt = s.failureDetectionTimeout().toMillis();
        IgniteConfiguration cfg = new IgniteConfiguration()
                .setIgniteInstanceName(name)
                .setLocalHost(s.localAddress())
                .setDiscoverySpi(discovery)
                .setCommunicationSpi(communication)
                .setUserAttributes(attributes(s, ta))
                .setDataStorageConfiguration(new DataStorageConfiguration()
                        .setDefaultDataRegionConfiguration(new DataRegionConfiguration().setName("default")
                                .setPersistenceEnabled(false).setInitialSize(16L << 20).setMaxSize(64L << 20))
                        .setSystemDataRegionConfiguration(new org.apache.ignite.configuration.SystemDataRegionConfiguration()
                                .setInitialSize(10L << 20).setMaxSize(20L << 20)))
                .setPeerClassLoadingEnabled(false)
                .setMetricsLogFrequency(0)
                .setFailureDetectionTimeout(fdt)
                .setClientFailureDetectionTimeout(Math.max(fdt, 2000))
                .setMetricsUpdateFrequency(Math.min(2000, Math.max(100, fdt / 2)))
                .setIncludeEventTypes(EventType.EVT_NODE_JOINED, EventType.EVT_NODE_LEFT, EventType.EVT_NODE_FAILED,
                        EventType.EVT_NODE_SEGMENTED)
                // a segmented node must not stop: it rejoins (see onDiscovery), its processes keep running
                .setSegmentationPolicy(org.apache.ignite.plugin.segmentation.SegmentationPolicy.NOOP)
                .setGridLogger(new IgniteLogAdapter(log))
                .setConnectorConfiguration(null)
                .setClientConnectorConfiguration(null)
                .setPublicThreadPoolSize(2)
                .setSystemThreadPoolSize(2)
                .setStripedPoolSize(2)
                .setDataStreamerThreadPoolSize(1)
                .setQueryThreadPoolSize(1)
                .setServiceThreadPoolSize(1)
                .setManagementThreadPoolSize(1)
                .setPeerClassLoadingThreadPoolSize(1)
                .setAsyncCallbackPoolSize(1)
                .setRebalanceThreadPoolSize(1)
                .setUtilityCachePoolSize(1)
                .setWorkDirectory(Files.createDirectories(s.workDirectory().resolve(name + "-" + ProcessHandle.current().pid()))
                        .toAbsolutePath().toString());
        if (s.tls() != null) {
            javax.net.ssl.SSLContext ctx = s.tls().context();
            cfg.setSslContextFactory(() -> ctx); // discovery and communication, mutual TLS
        }
        ClassLoader igniteLoader = new JoinedClassLoader(IgniteCluster.class.getClassLoader(), Ignition.class.getClassLoader());
        cfg.setClassLoader(igniteLoader);
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(igniteLoader); // Ignite resolves its own resources through the TCCL
        try {
            return Ignition.start(cfg);
        } catch (RuntimeException e) {
            if (causes(e, "Authentication failed")) {
                throw new IllegalStateException("node " + self + " was refused by the cluster at " + s.discoveryAddresses()
                        + ": it does not know the cluster secret (check secret / secret.file on every node)", e);
            }
            if (causes(e, "SSL") || causes(e, "certificate") || causes(e, "handshake")) {
                if (s.tls() == null) {
                    throw new IllegalStateException("node " + self + " cannot join: the cluster at " + s.discoveryAddresses()
                            + " uses TLS and this node has none (set tls.keystore and tls.truststore)", e);
                }
                throw new IllegalStateException("node " + self + " could not join over TLS: " + rootMessage(e)
                        + " (check tls.keystore / tls.truststore: every node's certificate must be signed by a CA the others trust)", e);
            }
            throw e;
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private Map<String, Object> attributes(NodeSettings s, InetSocketAddress ta) {
        Map<String, Object> attrs = new java.util.HashMap<>();
        attrs.put(ATTR_NODE, self.name());
        attrs.put(ATTR_TRANSPORT, ta.getAddress().getHostAddress() + ":" + ta.getPort());
        if (s.secret() != null) attrs.putAll(JoinAuthenticator.proofAttributes(s.secret(), self));
        return attrs;
    }

    private static boolean causes(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage();
    }

    /** Ignite loads our classes (the join authenticator's result) and its own through one loader. */
    private static final class JoinedClassLoader extends ClassLoader {
        private final ClassLoader ours;

        JoinedClassLoader(ClassLoader ours, ClassLoader ignite) {
            super(ignite);
            this.ours = ours;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            return ours.loadClass(name);
        }
    }

    private static void ensureIgniteSystemProperties() throws IOException {
        setIfAbsent("IGNITE_QUIET", "true");
        setIfAbsent("IGNITE_NO_ASCII", "true");
        setIfAbsent("IGNITE_UPDATE_NOTIFIER", "false");
        setIfAbsent("IGNITE_PERFORMANCE_SUGGESTIONS_DISABLED", "true");
        setIfAbsent("IGNITE_NO_SHUTDOWN_HOOK", "true");
        setIfAbsent("java.net.preferIPv4Stack", "true");
        if (System.getProperty("IGNITE_HOME") == null) {
            // Inside OSGi Ignite cannot find its home from a bundle URL; any existing folder will do.
            System.setProperty("IGNITE_HOME", Files.createDirectories(
                    java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "processhub-ignite-home")).toString());
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }

    private boolean onDiscovery(Event e) {
        if (e instanceof DiscoveryEvent de) {
            ClusterNode n = de.eventNode();
            if (de.type() == EventType.EVT_NODE_SEGMENTED) {
                log.warn("node " + self + " was segmented from its cluster; rejoining");
                rejoin(List.of(), "segmented");
                return true;
            }
            if (de.type() == EventType.EVT_NODE_JOINED) {
                addPeer(n);
            } else {
                Peer p = byIgniteId.remove(n.id());
                if (p != null && peers.remove(p.node, p)) {
                    boolean failed = de.type() == EventType.EVT_NODE_FAILED;
                    transport.forget(p.node);
                    events.execute(() -> listeners.forEach(l -> l.nodeDown(p.node, failed)));
                }
            }
        }
        return true;
    }

    private Peer addPeer(ClusterNode n) {
        if (n.isClient()) return null;
        String name = n.attribute(ATTR_NODE);
        String addr = n.attribute(ATTR_TRANSPORT);
        if (name == null || addr == null) {
            log.debug(() -> "ignoring Ignite node " + n.id() + " without ProcessHub attributes");
            return null;
        }
        int colon = addr.lastIndexOf(':');
        Peer p = new Peer(NodeId.of(name), n.id(), new InetSocketAddress(addr.substring(0, colon),
                Integer.parseInt(addr.substring(colon + 1))));
        if (p.node.equals(self)) {
            log.warn("another node uses this node's name " + self + "; ignoring it (give each node a unique processhub.node.name)");
            return null;
        }
        byIgniteId.put(n.id(), p);
        Peer old = peers.put(p.node, p);
        if (old != null && old.igniteId.equals(p.igniteId)) return p; // already known
        if (old != null) {
            byIgniteId.remove(old.igniteId);
            if (!old.address.equals(p.address)) {
                // same name, another process: the old one restarted before its failure was noticed
                transport.forget(p.node);
                events.execute(() -> listeners.forEach(l -> l.nodeDown(p.node, true)));
            }
        }
        events.execute(() -> listeners.forEach(l -> l.nodeUp(p.node)));
        return p;
    }

    private void route(NodeId from, byte[] frame) {
        String hubId;
        try {
            hubId = WireCodec.peekHubId(frame);
        } catch (WireFormatException e) {
            // the claimed name is not proof of anything without a secret: limit per name and overall
            int held = badFrames.allow(from.name());
            if (held >= 0) {
                log.warn("dropping malformed frame from " + from + ": " + e.getMessage()
                        + org.processhub.runtime.internal.log.RateLimiter.note(held));
            }
            return;
        }
        Inbound in = hubs.get(hubId);
        if (in != null) {
            in.onFrame(from, frame);
        }
    }

    @Override
    public NodeId localNode() {
        return self;
    }

    @Override
    public List<NodeId> nodes() {
        List<NodeId> all = new ArrayList<>(peers.keySet());
        all.add(self);
        all.sort(null);
        return all;
    }

    @Override
    public boolean isUp(NodeId node) {
        return self.equals(node) || peers.containsKey(node);
    }

    @Override
    public void send(NodeId to, byte[] frame) {
        Peer p = peers.get(to);
        if (p == null) {
            throw new NodeDownException("node " + to + " is not in the cluster");
        }
        transport.send(to, p.address, frame);
    }

    @Override
    public void bind(String hubId, Inbound inbound) {
        hubs.put(hubId, inbound);
    }

    @Override
    public void unbind(String hubId, Inbound inbound) {
        hubs.remove(hubId, inbound);
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    public ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public ExecutorService workers() {
        return workers;
    }

    @Override
    public long nextIncarnation() {
        return incarnations.incrementAndGet();
    }

    @Override
    public long currentIncarnation() {
        return incarnations.get();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Leaves the cluster and stops everything. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (beacon != null) beacon.close();
        rejoins.shutdown();
        try {
            rejoins.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            ignite.events().stopLocalListen(discoveryListener);
            ignite.close();
        } catch (RuntimeException e) {
            log.warn("stopping Ignite: " + e, e);
        }
        transport.close();
        shutdownPools();
    }

    private void shutdownPools() {
        events.shutdownNow();
        timer.shutdownNow();
        workers.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
