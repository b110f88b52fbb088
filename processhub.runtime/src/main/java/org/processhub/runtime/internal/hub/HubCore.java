package org.processhub.runtime.internal.hub;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.processhub.api.AlreadyStartedException;
import org.processhub.api.ChildInfo;
import org.processhub.api.ChildSpec;
import org.processhub.api.ErrorCode;
import org.processhub.api.HubNotAliveException;
import org.processhub.api.HubTimeoutException;
import org.processhub.api.InvalidSpecException;
import org.processhub.api.Mode;
import org.processhub.api.NoChildrenException;
import org.processhub.api.NodeDownException;
import org.processhub.api.NodeId;
import org.processhub.api.PartitionedException;
import org.processhub.api.ProcessHub;
import org.processhub.api.ProcessHubException;
import org.processhub.api.ProcessRef;
import org.processhub.api.Scope;
import org.processhub.api.StartOptions;
import org.processhub.api.StartResult;
import org.processhub.api.StopOptions;
import org.processhub.api.StopReason;
import org.processhub.api.StopResult;
import org.processhub.api.UnknownFactoryException;
import org.processhub.api.hook.ChildStartOutcome;
import org.processhub.api.hook.ChildrenForwarded;
import org.processhub.api.hook.ChildrenMigrated;
import org.processhub.api.hook.Hook;
import org.processhub.api.hook.Hooks;
import org.processhub.api.hook.PriorityState;
import org.processhub.api.hook.Redistribution;
import org.processhub.api.hook.RegistryChange;
import org.processhub.api.hook.RegistryRemoval;
import org.processhub.api.hook.StrategyMismatch;
import org.processhub.api.strategy.DistributionStrategy.Placement;
import org.processhub.api.strategy.MembershipView;
import org.processhub.api.strategy.MigrationStrategy;
import org.processhub.api.strategy.RedundancyStrategy;
import org.processhub.runtime.internal.cluster.Cluster;
import org.processhub.runtime.internal.hooks.HookDispatcher;
import org.processhub.runtime.internal.log.Log;
import org.processhub.runtime.internal.loop.HubEventLoop;
import org.processhub.runtime.internal.registry.Registry;
import org.processhub.runtime.internal.ring.Hashing;
import org.processhub.runtime.internal.supervisor.ProcessCell;
import org.processhub.runtime.internal.supervisor.Supervisor;
import org.processhub.runtime.internal.wire.Message;
import org.processhub.runtime.internal.wire.Message.Announce;
import org.processhub.runtime.internal.wire.Message.Call;
import org.processhub.runtime.internal.wire.Message.CallReply;
import org.processhub.runtime.internal.wire.Message.Insert;
import org.processhub.runtime.internal.wire.Message.ItemResult;
import org.processhub.runtime.internal.wire.Message.Leave;
import org.processhub.runtime.internal.wire.Message.RegistryDelta;
import org.processhub.runtime.internal.wire.Message.RegistryOp;
import org.processhub.runtime.internal.wire.Message.Remove;
import org.processhub.runtime.internal.wire.Message.Running;
import org.processhub.runtime.internal.wire.Message.StartItem;
import org.processhub.runtime.internal.wire.Message.StartReply;
import org.processhub.runtime.internal.wire.Message.StartRequest;
import org.processhub.runtime.internal.wire.Message.StopReply;
import org.processhub.runtime.internal.wire.Message.StopRequest;
import org.processhub.runtime.internal.wire.Message.SyncRow;
import org.processhub.runtime.internal.wire.Message.SyncDigest;
import org.processhub.runtime.internal.wire.Message.SyncPull;
import org.processhub.runtime.internal.wire.Message.SyncRound;
import org.processhub.runtime.internal.wire.Message.SyncSnapshot;
import org.processhub.runtime.internal.wire.Message.WhichReply;
import org.processhub.runtime.internal.wire.Message.WhichRequest;
import org.processhub.runtime.internal.wire.WireCodec;
import org.processhub.runtime.internal.wire.WireFormatException;

/**
 * One hub on one node: the plain-Java state machine behind a {@link ProcessHub} service.
 *
 * <p>Threading: all hub state (members, placement, registry writes, pending requests) is confined to
 * the hub's {@link HubEventLoop}. API methods validate on the caller's thread and post to the loop;
 * lookups read the concurrent registry directly; call/cast bypass the loop ({@link Calls}). Topology
 * handling (join/leave redistribution, anti-entropy) is posted at priority 0 and locks the loop
 * while it waits for other nodes, so such events are handled one at a time, in order.
 */
public final class HubCore implements ProcessHub {
    private static final int HIGH = HubEventLoop.LOCKED;
    private static final int LOW = HubEventLoop.UNLOCKED;
    private static final int MAX_HOPS = 3;
    /** How long this node remembers where a handed-over child went, to forward late messages. */
    private static final long MOVED_TTL_MS = 60_000;

    private final String hubId;
    private final NodeId self;
    private final Cluster cluster;
    private final HubSettings settings;
    private final Log log;
    private final HubEventLoop loop;
    private final Registry registry;
    private final Supervisor supervisor;
    private final HookDispatcher hooks;
    private final Calls calls;
    private final Supervisor.FactoryLookup factories;
    private final AtomicLong requestIds = new AtomicLong();
    private final org.processhub.runtime.internal.log.RateLimiter badMessages =
            new org.processhub.runtime.internal.log.RateLimiter(10_000, 1);
    /** Children handed over to another node recently: late messages are forwarded there. Any thread. */
    private final Map<String, NodeId> movedTo = new java.util.concurrent.ConcurrentHashMap<>();
    private final long startedAt = System.currentTimeMillis();

    // loop-confined
    private final TreeMap<NodeId, Map<String, String>> members = new TreeMap<>();
    private final List<MembershipView.Departure> departures = new ArrayList<>();
    private int maxSeen = 1;
    private long membershipChanged = System.nanoTime(); // loop thread: when the member list last changed
    private final Map<Long, StartCollector> starts = new HashMap<>();
    private final Map<Long, StopCollector> stops = new HashMap<>();
    private final Map<Long, PendingMigration> migrations = new HashMap<>();
    private final Map<Long, WhichCollector> whiches = new HashMap<>();
    private final Map<NodeId, SyncState> syncs = new HashMap<>();
    /** Latest gossip round seen per initiator. */
    private final Map<NodeId, Long> rounds = new HashMap<>();
    private final Set<NodeId> mismatched = new HashSet<>();
    /**
     * Children whose instances were on members that left, not yet seen running again. Kept until they run
     * somewhere: when several nodes fail one after the other, a child of the first may be owned (in the
     * ring of that moment) by a node that is already dead too; the next departure re-checks it.
     */
    private final Map<String, Orphan> orphans = new LinkedHashMap<>();

    private record Orphan(ChildInfo row, long since) {}
    private long syncIds;
    private final Set<NodeId> digestedTo = new HashSet<>(); // loop thread: members that may pull our snapshot once
    private volatile long digestsSent; // written by the loop thread only
    private volatile long snapshotsSent; // written by the loop thread only
    private ScheduledFuture<?> announceTask;
    private ScheduledFuture<?> syncTask;

    // read from any thread
    private volatile HubStrategies strategies;
    private volatile boolean activeAware;
    private Map<String, String> appliedDigest; // loop-confined: the strategies' digest last put into effect
    private Duration appliedSyncInterval;
    private volatile List<NodeId> memberList;
    private volatile Placement placement;
    private volatile boolean alive;
    private volatile boolean partitioned;
    private final Cluster.Inbound inbound = this::onFrame;
    private final Cluster.Listener clusterListener = new Cluster.Listener() {
        @Override
        public void nodeUp(NodeId node) {
            loop.post(HIGH, () -> send(node, announce(true)));
        }

        @Override
        public void nodeDown(NodeId node, boolean failed) {
            calls.nodeDown(node);
            loop.post(HIGH, () -> memberLeft(node, failed ? "failed" : "left the cluster"));
        }
    };

    private record PendingMigration(NodeId target, CompletableFuture<StartReply> reply) {}

    private record WhichCollector(CompletableFuture<Map<NodeId, List<ProcessRef>>> future, Map<NodeId, List<ProcessRef>> got,
            Set<NodeId> due) {}

    private static final class SyncState {
        long syncId = -1;
        final Set<String> seen = new HashSet<>();
    }

    public HubCore(HubSettings settings, Cluster cluster, HubStrategies strategies, Supervisor.FactoryLookup factories,
            Log log) {
        this.hubId = settings.hubId();
        this.settings = settings;
        this.cluster = cluster;
        this.self = cluster.localNode();
        this.log = log;
        this.factories = factories;
        this.strategies = strategies;
        this.hooks = new HookDispatcher(hubId, log);
        this.loop = new HubEventLoop("ph-hub-" + hubId + "@" + self, cluster.timer(), log, this::priorityChanged);
        this.registry = new Registry(hubId, new Registry.Listener() {
            @Override
            public void inserted(String childId, List<ProcessRef> refs) {
                if (hooks.wanted(Hook.REGISTRY_PID_INSERTED)) hooks.fire(Hook.REGISTRY_PID_INSERTED, new RegistryChange(childId, refs));
            }

            @Override
            public void removed(String childId, List<NodeId> nodes) {
                if (hooks.wanted(Hook.REGISTRY_PID_REMOVED)) hooks.fire(Hook.REGISTRY_PID_REMOVED, new RegistryRemoval(childId, nodes));
            }
        });
        this.supervisor = new Supervisor(hubId, self, factories, cluster.workers(), settings.supervisor(),
                new Supervisor.Listener() {
                    @Override
                    public void restarted(ProcessCell cell) {
                        loop.post(HIGH, () -> localRestarted(cell));
                    }

                    @Override
                    public void removed(ProcessCell cell, StopReason reason, String detail) {
                        loop.post(HIGH, () -> localRemoved(cell, reason, detail));
                    }
                }, () -> this, cluster::nextIncarnation, java.time.Clock.systemUTC(), log);
        this.calls = new Calls(this, cluster, supervisor, log);
        appliedDigest = strategies.digest();
        activeAware = namesActive(strategies);
        members.put(self, appliedDigest);
        memberList = List.of(self);
        placement = strategies.distribution().placement(memberList);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts the hub: joins the hub's cluster by announcing itself. Returns at once. */
    public void start() {
        alive = true;
        loop.start();
        cluster.bind(hubId, inbound);
        cluster.addListener(clusterListener);
        loop.post(HIGH, () -> {
            if (!strategies.partitionTolerance().hasQuorum(view(true))) {
                partition("no quorum at startup");
            }
            broadcastAnnounce(true);
            scheduleAnnounce();
            scheduleSync();
        });
        log.info("hub " + hubId + " started on " + self + " with " + strategies.digest());
    }

    /**
     * Stops the hub gracefully: its children move to the nodes that own them without this one, the
     * other members are told, then everything local stops. Blocks up to the migration timeout.
     */
    public void stop() {
        if (!alive) return;
        alive = false;
        CompletableFuture<Void> drained = new CompletableFuture<>();
        loop.post(Integer.MAX_VALUE, () -> drain(drained));
        try {
            drained.get(settings.migrationTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("hub " + hubId + ": handing children over before stopping did not finish: " + e);
        }
        cluster.removeListener(clusterListener);
        cluster.unbind(hubId, inbound);
        if (announceTask != null) announceTask.cancel(false);
        if (syncTask != null) syncTask.cancel(false);
        try {
            supervisor.stopAll(StopReason.SHUTDOWN).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("hub " + hubId + ": stopping local children: " + e);
        }
        loop.post(Integer.MAX_VALUE, this::failPending);
        loop.shutdown(Duration.ofSeconds(5));
        calls.failAll(new HubNotAliveException("hub " + hubId + " stopped"));
        log.info("hub " + hubId + " stopped on " + self);
    }

    /** Replaces the strategies (selection or options changed at runtime) and re-places children. */
    public void updateStrategies(HubStrategies next) {
        loop.post(HIGH, () -> {
            // compare with what was in effect, not with the old objects: a strategy may change its options in place
            Map<String, String> digest = next.digest();
            if (next.equals(strategies) && digest.equals(appliedDigest)) return;
            Map<String, String> before = appliedDigest;
            strategies = next;
            activeAware = namesActive(next);
            appliedDigest = digest;
            members.put(self, digest);
            placement = next.distribution().placement(memberList);
            refreshModes();
            log.info("hub " + hubId + ": strategies changed from " + before + " to " + digest);
            broadcastAnnounce(false);
            if (!next.synchronization().syncInterval().equals(appliedSyncInterval)) {
                if (syncTask != null) syncTask.cancel(false);
                scheduleSync();
            }
            loop.post(LOW, () -> rebalance(Optional.empty(), "strategy change"));
        });
    }

    // ---------------------------------------------------------------- API

    @Override
    public String hubId() {
        return hubId;
    }

    @Override
    public NodeId localNode() {
        return self;
    }

    NodeId self() {
        return self;
    }

    /** Where a child handed over from this node went, or null. */
    NodeId movedTo(String childId) {
        return movedTo.get(childId);
    }

    Registry registryReplica() {
        return registry;
    }

    public Supervisor supervisor() {
        return supervisor;
    }

    public HubStrategies strategies() {
        return strategies;
    }

    public HubSettings settings() {
        return settings;
    }

    /** Nodes whose strategy digest differs from ours (empty when all agree). */
    public Set<NodeId> mismatchedMembers() {
        return Set.copyOf(mismatched);
    }

    @Override
    public CompletionStage<StartResult> startChild(ChildSpec spec, StartOptions options) {
        return startChildren(List.of(spec), options).thenApply(StartResult::orThrow);
    }

    @Override
    public CompletionStage<StartResult> startChildren(List<ChildSpec> specs, StartOptions options) {
        CompletableFuture<StartResult> f = new CompletableFuture<>();
        try {
            checkAlive();
            if (specs == null || specs.isEmpty()) throw new NoChildrenException();
            checkBatch(specs.size());
            Set<String> ids = new HashSet<>();
            Set<String> unknownFactories = new java.util.TreeSet<>();
            for (ChildSpec s : specs) {
                if (s == null) throw new InvalidSpecException("null child spec in the request");
                if (!ids.add(s.id())) throw new InvalidSpecException("child id '" + s.id() + "' appears twice in the request");
                if (factories.find(s.factory()).isEmpty()) unknownFactories.add(s.factory());
            }
            if (!unknownFactories.isEmpty()) {
                throw new UnknownFactoryException("no process factory named " + String.join(", ", unknownFactories)
                        + " on " + self + " (register a ProcessFactory service with processhub.factory=<name>)");
            }
            if (partitioned) throw partitionedError();
            List<ChildSpec> copy = List.copyOf(specs);
            loop.post(HIGH, () -> beginStart(copy, options, f));
        } catch (ProcessHubException e) {
            f.completeExceptionally(e);
        }
        return f.thenCompose(r -> rollbackIfNeeded(r, options));
    }

    private CompletionStage<StartResult> rollbackIfNeeded(StartResult r, StartOptions options) {
        if (r.isOk() || options.onFailure() != org.processhub.api.OnFailure.ROLLBACK || r.started().isEmpty()) {
            return CompletableFuture.completedFuture(r);
        }
        List<String> started = r.started().stream().map(StartResult.Started::childId).toList();
        return stopChildren(started, new StopOptions(options.timeout()))
                .handle((s, e) -> new StartResult(List.of(), r.errors(), true));
    }

    @Override
    public CompletionStage<StopResult> stopChildren(List<String> childIds, StopOptions options) {
        CompletableFuture<StopResult> f = new CompletableFuture<>();
        try {
            checkAlive();
            if (childIds == null || childIds.isEmpty()) throw new NoChildrenException();
            checkBatch(childIds.size());
            if (partitioned) throw partitionedError();
            List<String> copy = List.copyOf(new LinkedHashSet<>(childIds));
            loop.post(HIGH, () -> beginStop(copy, options, f));
        } catch (ProcessHubException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    @Override
    public Optional<ChildInfo> childLookup(String childId) {
        Optional<ChildInfo> row = registry.get(childId); // allocation-free unless an active replica is named
        return row.isEmpty() || !activeAware ? row : Optional.of(withActive(row.get()));
    }

    @Override
    public Map<String, ChildInfo> registry() {
        Map<String, ChildInfo> copy = new LinkedHashMap<>();
        for (ChildInfo row : registry.rows()) copy.put(row.childId(), withActive(row));
        return copy;
    }

    public int registrySize() {
        return registry.size();
    }

    @Override
    public CompletionStage<Map<NodeId, List<ProcessRef>>> whichChildren(Scope scope) {
        if (scope == Scope.LOCAL) {
            return CompletableFuture.completedFuture(Map.of(self, localRefs()));
        }
        CompletableFuture<Map<NodeId, List<ProcessRef>>> f = new CompletableFuture<>();
        try {
            checkAlive();
            loop.post(HIGH, () -> beginWhich(f));
        } catch (ProcessHubException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    @Override
    public List<NodeId> nodes(boolean includeLocal) {
        List<NodeId> m = memberList;
        return includeLocal ? m : m.stream().filter(n -> !n.equals(self)).toList();
    }

    @Override
    public List<NodeId> owners(String childId) {
        return placement.owners(childId, replicationFactor(memberList.size()));
    }

    @Override
    public boolean isAlive() {
        return alive;
    }

    @Override
    public boolean isLocked() {
        return loop.isLocked() || partitioned;
    }

    @Override
    public boolean isPartitioned() {
        return partitioned;
    }

    @Override
    public CompletionStage<Object> call(String childId, Object message, Duration timeout) {
        if (!alive) return CompletableFuture.failedFuture(new HubNotAliveException("hub " + hubId + " is not running"));
        return calls.call(childId, message, timeout);
    }

    @Override
    public void cast(String childId, Object message) {
        checkAlive();
        calls.cast(childId, message);
    }

    @Override
    public Hooks hooks() {
        return hooks;
    }

    public HookDispatcher hookDispatcher() {
        return hooks;
    }

    // ---------------------------------------------------------------- placement helpers

    private int replicationFactor(int clusterSize) {
        int rf = strategies.redundancy().replicationFactor(clusterSize);
        return Math.max(1, Math.min(rf, clusterSize));
    }

    private List<NodeId> ownersNow(String childId) {
        return placement.owners(childId, replicationFactor(memberList.size()));
    }

    /** The instances that should receive casts and calls: the active one, or all when all are active. */
    /**
     * Whether the redundancy strategy ever names an active replica (active/passive replication). Asked once per
     * strategy; when it does not (singularity, active/active), lookups skip the ring entirely.
     */
    private static boolean namesActive(HubStrategies s) {
        return s.redundancy().activeReplica("probe", List.of(NodeId.of("probe-a"), NodeId.of("probe-b"))).isPresent();
    }

    private Optional<NodeId> activeOf(String childId) {
        return activeAware ? strategies.redundancy().activeReplica(childId, ownersNow(childId)) : Optional.empty();
    }

    List<ProcessRef> activeRefs(ChildInfo row) {
        Optional<NodeId> active = activeOf(row.childId());
        if (active.isPresent()) {
            for (ProcessRef r : row.refs()) {
                if (r.node().equals(active.get())) return List.of(r);
            }
        }
        return row.refs();
    }

    private ChildInfo withActive(ChildInfo row) {
        Optional<NodeId> active = activeOf(row.childId());
        return active.isEmpty() ? row : new ChildInfo(row.spec(), row.refs(), active, row.metadata());
    }

    private Mode modeFor(String childId) {
        Optional<NodeId> active = activeOf(childId);
        return active.isPresent() && !active.get().equals(self) ? Mode.PASSIVE : Mode.ACTIVE;
    }

    /**
     * Tells local replicas whose mode changed (membership or redundancy strategy changed): the mode is
     * updated at once; {@code modeChanged} is delivered as the strategy's signal option says. Loop thread.
     */
    private void refreshModes() {
        RedundancyStrategy.Signal signal = strategies.redundancy().signal();
        for (ProcessCell c : supervisor.cells()) {
            Mode m = modeFor(c.childId());
            if (m != c.mode()) {
                c.setMode(m, signal.delivers(m));
            }
        }
    }

    private List<ProcessRef> localRefs() {
        List<ProcessRef> refs = new ArrayList<>();
        for (ProcessCell c : supervisor.cells()) refs.add(c.ref());
        refs.sort((a, b) -> a.childId().compareTo(b.childId()));
        return refs;
    }

    private void checkBatch(int size) {
        if (size > settings.maxBatchSize()) {
            throw new org.processhub.api.LimitExceededException(size + " children in one request; the limit is "
                    + settings.maxBatchSize() + " (max.batch.size): split the request");
        }
    }

    private void checkAlive() {
        if (!alive) throw new HubNotAliveException("hub " + hubId + " is not running on " + self);
    }

    private PartitionedException partitionedError() {
        return new PartitionedException("hub " + hubId + " on " + self + " has no quorum (partitioned); "
                + "starts and stops are refused until it is back");
    }

    // ---------------------------------------------------------------- messaging

    private void send(NodeId to, Message m) {
        if (to.equals(self)) {
            handle(self, m);
            return;
        }
        try {
            cluster.send(to, WireCodec.encode(m));
        } catch (NodeDownException e) {
            log.debug(() -> "hub " + hubId + ": not sent to " + to + ": " + e.getMessage());
        }
    }

    private void sendEncoded(NodeId to, byte[] frame) {
        try {
            cluster.send(to, frame);
        } catch (NodeDownException e) {
            log.debug(() -> "hub " + hubId + ": not sent to " + to + ": " + e.getMessage());
        }
    }

    /** A frame from another node, on a transport thread. */
    private void onFrame(NodeId from, byte[] frame) {
        Message m;
        try {
            m = WireCodec.decode(frame);
        } catch (WireFormatException e) {
            int held = badMessages.allow(from.name());
            if (held >= 0) {
                log.warn("hub " + hubId + ": dropping malformed message from " + from + ": " + e.getMessage()
                        + org.processhub.runtime.internal.log.RateLimiter.note(held));
            }
            return;
        }
        if (m instanceof Call c) {
            calls.onCall(c);
        } else if (m instanceof CallReply r) {
            calls.onReply(r);
        } else {
            loop.post(HIGH, () -> handle(from, m));
        }
    }

    /** Dispatches a message on the loop. */
    private void handle(NodeId from, Message m) {
        if (!alive && !(m instanceof StartReply || m instanceof StopReply)) {
            if (m instanceof StartRequest r) {
                replyAll(r, ErrorCode.HUB_NOT_ALIVE, "hub " + hubId + " is stopping on " + self);
            }
            return;
        }
        if (m instanceof Announce a) onAnnounce(a);
        else if (m instanceof Leave l) memberLeft(l.node(), "left");
        else if (m instanceof StartRequest r) onStartRequest(r);
        else if (m instanceof StartReply r) onStartReply(r);
        else if (m instanceof StopRequest r) onStopRequest(r);
        else if (m instanceof StopReply r) onStopReply(r);
        else if (m instanceof RegistryDelta d) onDelta(d);
        else if (m instanceof SyncSnapshot s) onSnapshot(s);
        else if (m instanceof WhichRequest w) send(w.origin(), new WhichReply(hubId, w.requestId(), self,
                    localRefs().stream().map(r -> new Running(r.childId(), r.incarnation())).toList()));
        else if (m instanceof WhichReply w) onWhichReply(w);
        else if (m instanceof Call c) calls.onCall(c);
        else if (m instanceof CallReply r) calls.onReply(r);
        else if (m instanceof SyncRound r) joinRound(r);
        else if (m instanceof SyncDigest d) onDigest(d);
        else if (m instanceof SyncPull p) onPull(p);
    }

    // ---------------------------------------------------------------- membership

    private Announce announce(boolean replyWanted) {
        return new Announce(hubId, self, replyWanted, startedAt, strategies.digest());
    }

    private void broadcastAnnounce(boolean replyWanted) {
        byte[] frame = WireCodec.encode(announce(replyWanted));
        for (NodeId n : cluster.nodes()) {
            if (!n.equals(self)) sendEncoded(n, frame);
        }
    }

    private void scheduleAnnounce() {
        long ms = settings.announceInterval().toMillis();
        announceTask = cluster.timer().scheduleWithFixedDelay(() -> loop.post(HIGH, () -> {
            if (alive) broadcastAnnounce(false);
        }), ms, ms, TimeUnit.MILLISECONDS);
    }

    private void onAnnounce(Announce a) {
        if (a.node().equals(self)) return;
        if (!cluster.isUp(a.node())) return; // stale: that node already left
        boolean known = members.containsKey(a.node());
        Map<String, String> previous = members.put(a.node(), a.strategies());
        checkStrategies(a.node(), a.strategies(), previous);
        if (a.replyWanted()) send(a.node(), announce(false));
        if (known) return;
        publishMembers();
        maxSeen = Math.max(maxSeen, memberList.size());
        departures.removeIf(d -> d.node().equals(a.node()));
        refreshModes();
        log.info("hub " + hubId + ": node " + a.node() + " joined; members " + memberList);
        hooks.fire(Hook.CLUSTER_JOIN, a.node());
        if (!a.replyWanted()) send(a.node(), announce(false)); // make sure it knows us too
        sendSnapshot(a.node()); // the newcomer learns our part of the registry at once
        NodeId joined = a.node();
        loop.post(LOW, () -> rebalance(Optional.of(joined), "join of " + joined));
    }

    /**
     * The new member list and its placement. The placement is published first: whoever sees the new members (a
     * lookup's caller, {@code nodes()}) also sees where children go among them — with 8192 vnodes a ring takes
     * about a millisecond to build, long enough to be caught in between.
     */
    private void publishMembers() {
        List<NodeId> next = List.copyOf(members.keySet());
        placement = strategies.distribution().placement(next);
        memberList = next;
        membershipChanged = System.nanoTime();
    }

    private void checkStrategies(NodeId node, Map<String, String> remote, Map<String, String> previous) {
        Map<String, String> local = strategies.digest();
        if (local.equals(remote)) {
            if (mismatched.remove(node)) log.info("hub " + hubId + ": node " + node + " now runs the same strategies");
            return;
        }
        if (mismatched.add(node) || !remote.equals(previous)) {
            log.warn("hub " + hubId + ": node " + node + " runs different strategies: " + remote + " (here: " + local + ")");
            hooks.fire(Hook.STRATEGY_MISMATCH, new StrategyMismatch(node, local, remote));
        }
    }

    private void memberLeft(NodeId node, String how) {
        starts.values().forEach(s -> s.nodeDown(node));
        stops.values().forEach(s -> s.nodeDown(node));
        finishCompleted();
        migrations.values().removeIf(m -> {
            if (!m.target.equals(node)) return false;
            m.reply.completeExceptionally(new NodeDownException("node " + node + " " + how + " before answering"));
            return true;
        });
        whiches.values().forEach(w -> w.due.remove(node));
        finishWhiches();
        if (node.equals(self) || members.remove(node) == null) return;
        mismatched.remove(node);
        digestedTo.remove(node);
        syncs.remove(node);
        publishMembers();
        departures.add(new MembershipView.Departure(node, Instant.now()));
        if (departures.size() > 1000) departures.remove(0);
        refreshModes(); // a passive replica whose active one was on the departed node takes over at once
        log.info("hub " + hubId + ": node " + node + " " + how + "; members " + memberList);
        hooks.fire(Hook.CLUSTER_LEAVE, node);
        List<ChildInfo> departedRows = registry.rowsOf(node);
        registry.removeNode(node);
        if (!partitioned && !strategies.partitionTolerance().hasQuorum(view(false))) {
            partition("quorum lost after " + node + " " + how);
        }
        long now = System.nanoTime();
        departedRows.forEach(o -> orphans.putIfAbsent(o.childId(), new Orphan(o, now)));
        if (partitioned) return; // nobody may restart them now; heal() will
        loop.post(LOW, () -> recoverAfterLeave(node));
    }

    private MembershipView view(boolean startup) {
        return new MembershipView(self, memberList, departures, maxSeen, Instant.now(), startup);
    }

    // ---------------------------------------------------------------- partitions

    private void partition(String why) {
        if (partitioned) return;
        partitioned = true;
        log.warn("hub " + hubId + " on " + self + " is partitioned: " + why + "; stopping local children until quorum is back");
        supervisor.stopAll(StopReason.PARTITION);
        hooks.fire(Hook.PARTITION_CHANGED, true);
    }

    /**
     * Quorum is back: restart every child the registry lists on this node, and the children of members
     * that left meanwhile, each on its owner now (duplicates from other healing nodes are harmless: a node
     * that already runs a child counts the start as done). Loop thread.
     */
    private CompletableFuture<Void> heal() {
        partitioned = false;
        log.info("hub " + hubId + " on " + self + ": quorum is back; restarting local children");
        hooks.fire(Hook.PARTITION_CHANGED, false);
        Map<String, ChildInfo> rows = new LinkedHashMap<>();
        registry.rowsOf(self).forEach(r -> rows.put(r.childId(), r));
        orphans.values().forEach(o -> rows.putIfAbsent(o.row().childId(), o.row()));
        orphans.clear();
        int rf = replicationFactor(memberList.size());
        Map<NodeId, List<StartItem>> perOwner = new LinkedHashMap<>();
        List<RegistryOp> ops = new ArrayList<>();
        for (ChildInfo row : rows.values()) {
            List<NodeId> owners = placement.owners(row.childId(), rf);
            NodeId target = owners.contains(self) ? self : owners.get(0);
            ProcessRef mine = registry.instance(row.childId(), self);
            if (!target.equals(self) && mine != null && registry.remove(row.childId(), self, mine.incarnation())) {
                ops.add(new Remove(row.childId(), self, mine.incarnation())); // it restarts elsewhere, not here
            }
            perOwner.computeIfAbsent(target, k -> new ArrayList<>())
                    .add(new StartItem(row.spec(), row.metadata(), owners, false, null));
        }
        propagate(ops);
        List<CompletableFuture<?>> waits = new ArrayList<>();
        perOwner.forEach((target, items) -> {
            if (target.equals(self)) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                startLocal(items, true, null, results -> done.complete(null));
                waits.add(done);
            } else {
                waits.add(requestStart(target, items, settings.migrationTimeout()));
            }
        });
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    // ---------------------------------------------------------------- locking

    private void lock() {
        loop.setPriority(HubEventLoop.LOCKED, Optional.of(settings.deadlockTimeout()));
    }

    private void unlock() {
        loop.setPriority(HubEventLoop.UNLOCKED, Optional.empty());
    }

    private void priorityChanged(int priority, Optional<Duration> resetAfter) {
        hooks.fire(Hook.PRIORITY_STATE_UPDATED, new PriorityState(priority, resetAfter));
    }

    // ---------------------------------------------------------------- start

    private void beginStart(List<ChildSpec> specs, StartOptions options, CompletableFuture<StartResult> f) {
        if (partitioned) {
            f.completeExceptionally(partitionedError());
            return;
        }
        if (options.checkExisting()) {
            List<String> existing = specs.stream().map(ChildSpec::id).filter(registry::contains).toList();
            if (!existing.isEmpty()) {
                f.completeExceptionally(new AlreadyStartedException(existing));
                return;
            }
        }
        long id = requestIds.incrementAndGet();
        StartCollector c = new StartCollector(id, options, f);
        starts.put(id, c);
        Map<NodeId, List<StartItem>> perNode = new LinkedHashMap<>();
        int rf = replicationFactor(memberList.size());
        for (ChildSpec spec : specs) {
            List<NodeId> owners = placement.owners(spec.id(), rf);
            c.expect(spec, owners);
            for (NodeId n : owners) {
                perNode.computeIfAbsent(n, k -> new ArrayList<>()).add(new StartItem(spec, options.metadata(), owners, false, null));
            }
        }
        long timeoutMs = options.timeout().toMillis();
        loop.schedule(options.timeout(), HIGH, () -> {
            StartCollector s = starts.remove(id);
            if (s != null) {
                s.expire();
                s.future.complete(s.result(false));
            }
        });
        for (Map.Entry<NodeId, List<StartItem>> e : perNode.entrySet()) {
            send(e.getKey(), new StartRequest(hubId, id, self, false, 0, timeoutMs, e.getValue()));
        }
    }

    private void onStartRequest(StartRequest r) {
        if (r.items().size() > settings.maxBatchSize()) { // from another node: refuse, do not overload
            replyAll(r, ErrorCode.LIMIT_EXCEEDED, r.items().size() + " children in one request to " + self
                    + " exceed max.batch.size " + settings.maxBatchSize());
            return;
        }
        if (partitioned) {
            replyAll(r, ErrorCode.PARTITIONED, "hub " + hubId + " on " + self + " is partitioned");
            return;
        }
        List<StartItem> local = new ArrayList<>();
        Map<NodeId, List<StartItem>> forwards = new LinkedHashMap<>();
        if (r.migration()) {
            local.addAll(r.items());
        } else {
            int rf = replicationFactor(memberList.size());
            for (StartItem item : r.items()) {
                List<NodeId> owners = placement.owners(item.spec().id(), rf);
                NodeId target = null;
                if (!owners.contains(self) && r.hops() < MAX_HOPS) {
                    for (NodeId o : owners) {
                        if (!item.assigned().contains(o)) {
                            target = o;
                            break;
                        }
                    }
                }
                if (target == null) {
                    local.add(item);
                } else {
                    List<NodeId> assigned = new ArrayList<>(item.assigned());
                    assigned.add(target);
                    forwards.computeIfAbsent(target, k -> new ArrayList<>())
                            .add(new StartItem(item.spec(), item.metadata(), assigned, item.hasHandover(), item.handoverState()));
                }
            }
        }
        if (!forwards.isEmpty()) {
            Map<NodeId, List<String>> ids = new LinkedHashMap<>();
            forwards.forEach((n, items) -> {
                ids.put(n, items.stream().map(i -> i.spec().id()).toList());
                send(n, new StartRequest(hubId, r.requestId(), r.origin(), false, r.hops() + 1, r.timeoutMillis(), items));
            });
            log.debug(() -> "hub " + hubId + ": forwarded children of request " + r.requestId() + ": " + ids);
            hooks.fire(Hook.CHILDREN_FORWARDED, new ChildrenForwarded(ids));
        }
        if (!local.isEmpty()) {
            // the origin puts the children it hears of in the StartReply into its registry (read-your-writes),
            // so the delta leaves it out: it would only decode the same rows again
            NodeId informed = r.migration() || r.origin().equals(self) ? null : r.origin();
            startLocal(local, r.migration(), informed, results -> send(r.origin(), new StartReply(hubId, r.requestId(), self, results)));
        }
    }

    private void replyAll(StartRequest r, ErrorCode code, String message) {
        send(r.origin(), new StartReply(hubId, r.requestId(), self,
                r.items().stream().map(i -> ItemResult.failed(i.spec().id(), code, message)).toList()));
    }

    /**
     * Starts children on this node (loop thread). Each start runs its init on the process's mailbox; when
     * the last one finished, one loop task updates the registry, propagates the change (not to
     * {@code informed}, which learns of these children another way) and calls {@code done}. With
     * {@code migration}, a child already running here counts as started.
     */
    private void startLocal(List<StartItem> items, boolean migration, NodeId informed, Consumer<List<ItemResult>> done) {
        if (hooks.wanted(Hook.PRE_CHILDREN_START)) {
            hooks.fire(Hook.PRE_CHILDREN_START, items.stream().map(StartItem::spec).toList());
        }
        int n = items.size();
        ItemResult[] results = new ItemResult[n];
        ProcessCell[] cells = new ProcessCell[n];
        Throwable[] failures = new Throwable[n];
        // completions arrive on the workers; only the last one posts to the loop (one task per batch, not per
        // child). The counter's read-modify-write chain makes the array writes visible to the finisher.
        AtomicInteger open = new AtomicInteger(n);
        Runnable finish = () -> {
            List<RegistryOp> ops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (results[i] != null) continue;
                ChildSpec spec = items.get(i).spec();
                if (cells[i] != null) {
                    ProcessCell cell = cells[i];
                    // a child that already ended (crashed past its intensity) gets no row
                    if (supervisor.get(spec.id()).orElse(null) == cell
                            && registry.insert(spec, items.get(i).metadata(), self, cell.incarnation())) {
                        ops.add(new Insert(spec, items.get(i).metadata(), self, cell.incarnation()));
                    }
                    results[i] = ItemResult.ok(spec.id(), cell.incarnation());
                } else {
                    results[i] = failed(spec, failures[i], migration);
                }
            }
            propagate(ops, informed);
            List<ItemResult> list = List.of(results);
            if (hooks.wanted(Hook.POST_CHILDREN_START)) {
                hooks.fire(Hook.POST_CHILDREN_START, list.stream().map(this::outcome).toList());
            }
            done.accept(list);
        };
        for (int i = 0; i < n; i++) {
            StartItem item = items.get(i);
            ChildSpec spec = item.spec();
            ProcessCell existing = supervisor.get(spec.id()).orElse(null);
            if (existing != null) {
                results[i] = migration ? ItemResult.ok(spec.id(), existing.incarnation())
                        : ItemResult.failed(spec.id(), ErrorCode.ALREADY_STARTED, "'" + spec.id() + "' already runs on " + self);
                if (open.decrementAndGet() == 0) finish.run();
                continue;
            }
            int at = i;
            supervisor.start(spec, item.metadata(), modeFor(spec.id()), item.hasHandover(), item.handoverState())
                    .whenComplete((cell, err) -> {
                        if (err == null) cells[at] = cell;
                        else failures[at] = err;
                        if (open.decrementAndGet() == 0) loop.post(HIGH, finish);
                    });
        }
        if (n == 0) finish.run();
    }

    private ItemResult failed(ChildSpec spec, Throwable err, boolean migration) {
        Throwable t = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
        ErrorCode code = t instanceof ProcessHubException p ? p.code() : ErrorCode.INIT_FAILED;
        if (code == ErrorCode.ALREADY_STARTED && migration) {
            ProcessCell c = supervisor.get(spec.id()).orElse(null);
            if (c != null) return ItemResult.ok(spec.id(), c.incarnation());
        }
        return ItemResult.failed(spec.id(), code, String.valueOf(t.getMessage()));
    }

    private ChildStartOutcome outcome(ItemResult r) {
        return r.isOk()
                ? new ChildStartOutcome(r.childId(), Optional.of(new ProcessRef(hubId, self, r.childId(), r.incarnation())), Optional.empty())
                : new ChildStartOutcome(r.childId(), Optional.empty(),
                        Optional.of(new org.processhub.api.ChildError(r.childId(), self, r.error(), r.message())));
    }

    private void onStartReply(StartReply r) {
        PendingMigration migration = migrations.remove(r.requestId());
        if (migration != null) {
            migration.reply.complete(r);
            return;
        }
        StartCollector c = starts.get(r.requestId());
        if (c == null) return; // timed out
        for (ItemResult res : r.results()) {
            if (c.record(hubId, r.node(), res) && res.isOk() && !r.node().equals(self) && members.containsKey(r.node())) {
                // read-your-writes: the caller's registry shows the child before the future completes
                registry.insert(c.spec(res.childId()), c.options.metadata(), r.node(), res.incarnation());
            }
        }
        finishCompleted();
    }

    private void finishCompleted() {
        starts.values().removeIf(c -> {
            if (!c.complete()) return false;
            c.future.complete(c.result(false));
            return true;
        });
        stops.values().removeIf(c -> {
            if (!c.complete()) return false;
            c.future.complete(c.result());
            return true;
        });
    }

    // ---------------------------------------------------------------- stop

    private void beginStop(List<String> ids, StopOptions options, CompletableFuture<StopResult> f) {
        long id = requestIds.incrementAndGet();
        StopCollector c = new StopCollector(id, options, f);
        Map<NodeId, List<String>> perNode = new LinkedHashMap<>();
        for (String childId : ids) {
            ChildInfo row = registry.row(childId);
            if (row == null) {
                c.notFound(childId, self);
                continue;
            }
            c.expect(childId, row.nodes());
            for (NodeId n : row.nodes()) perNode.computeIfAbsent(n, k -> new ArrayList<>()).add(childId);
        }
        if (perNode.isEmpty()) {
            f.complete(c.result());
            return;
        }
        stops.put(id, c);
        loop.schedule(options.timeout(), HIGH, () -> {
            StopCollector s = stops.remove(id);
            if (s != null) {
                s.expire();
                s.future.complete(s.result());
            }
        });
        perNode.forEach((n, list) -> send(n, new StopRequest(hubId, id, self, list)));
    }

    private void onStopRequest(StopRequest r) {
        stopLocal(r.childIds(), StopReason.SHUTDOWN, results -> send(r.origin(), new StopReply(hubId, r.requestId(), self, results)));
    }

    /** Stops local children, removes them from the registry and propagates; {@code done} on the loop. */
    private void stopLocal(List<String> ids, StopReason reason, Consumer<List<ItemResult>> done) {
        ItemResult[] results = new ItemResult[ids.size()];
        int[] open = {ids.size()};
        List<RegistryOp> ops = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String childId = ids.get(i);
            ProcessCell cell = supervisor.get(childId).orElse(null);
            if (cell == null) {
                results[i] = ItemResult.failed(childId, ErrorCode.NOT_FOUND, "'" + childId + "' does not run on " + self);
                // a stale row of ours would otherwise linger until the next sync
                ProcessRef stale = registry.instance(childId, self);
                if (stale != null && registry.remove(childId, self, stale.incarnation())) {
                    ops.add(new Remove(childId, self, stale.incarnation()));
                }
                open[0]--;
                continue;
            }
            long inc = cell.incarnation();
            int at = i;
            supervisor.stop(childId, reason).whenComplete((stopped, err) -> loop.post(HIGH, () -> {
                if (registry.remove(childId, self, Long.MAX_VALUE)) {
                    ops.add(new Remove(childId, self, Math.max(inc, cell.incarnation())));
                }
                results[at] = err == null ? ItemResult.ok(childId, inc)
                        : ItemResult.failed(childId, ErrorCode.HANDLER_FAILED, String.valueOf(err.getMessage()));
                if (--open[0] == 0) {
                    propagate(ops);
                    done.accept(List.of(results));
                }
            }));
        }
        if (open[0] == 0) {
            propagate(ops);
            done.accept(List.of(results));
        }
    }

    private void onStopReply(StopReply r) {
        StopCollector c = stops.get(r.requestId());
        if (c == null) return;
        for (ItemResult res : r.results()) {
            c.record(r.node(), res);
            if (res.isOk() && !r.node().equals(self)) {
                registry.remove(res.childId(), r.node(), res.incarnation());
            }
        }
        finishCompleted();
    }

    // ---------------------------------------------------------------- which children

    private void beginWhich(CompletableFuture<Map<NodeId, List<ProcessRef>>> f) {
        long id = requestIds.incrementAndGet();
        Map<NodeId, List<ProcessRef>> got = new TreeMap<>();
        got.put(self, localRefs());
        Set<NodeId> due = new HashSet<>(memberList);
        due.remove(self);
        WhichCollector w = new WhichCollector(f, got, due);
        whiches.put(id, w);
        for (NodeId n : due) send(n, new WhichRequest(hubId, id, self));
        loop.schedule(Duration.ofSeconds(5), HIGH, () -> {
            WhichCollector x = whiches.remove(id);
            if (x != null) x.future.complete(Map.copyOf(x.got));
        });
        finishWhiches();
    }

    private void onWhichReply(WhichReply r) {
        WhichCollector w = whiches.get(r.requestId());
        if (w == null) return;
        w.got.put(r.node(), r.running().stream().map(x -> new ProcessRef(hubId, r.node(), x.childId(), x.incarnation())).toList());
        w.due.remove(r.node());
        finishWhiches();
    }

    private void finishWhiches() {
        whiches.values().removeIf(w -> {
            if (!w.due.isEmpty()) return false;
            w.future.complete(Map.copyOf(w.got));
            return true;
        });
    }

    // ---------------------------------------------------------------- registry synchronization

    /** Sends registry changes made here to the members, as the synchronization strategy says. */
    private void propagate(List<RegistryOp> ops) {
        propagate(ops, null);
    }

    /** Sends registry changes of this node on their way; {@code informed} (if a member) already has them. */
    private void propagate(List<RegistryOp> ops, NodeId informed) {
        if (ops.isEmpty() || memberList.size() < 2) return;
        Set<NodeId> reached = informed != null && members.containsKey(informed) ? Set.of(self, informed) : Set.of(self);
        Set<NodeId> hops = strategies.synchronization().nextHops(self, memberList, reached, ThreadLocalRandom.current());
        if (hops.isEmpty()) return;
        List<NodeId> nowReached = new ArrayList<>(hops);
        nowReached.addAll(reached);
        nowReached.sort(null);
        for (int from = 0; from < ops.size(); from += settings.chunkSize()) {
            List<RegistryOp> chunk = ops.subList(from, Math.min(ops.size(), from + settings.chunkSize()));
            byte[] frame = WireCodec.encode(new RegistryDelta(hubId, self, nowReached, List.copyOf(chunk)));
            for (NodeId n : hops) sendEncoded(n, frame);
        }
    }

    private void onDelta(RegistryDelta d) {
        for (RegistryOp op : d.ops()) {
            if (op instanceof Insert i) {
                if (members.containsKey(i.node())) registry.insert(i.spec(), i.metadata(), i.node(), i.incarnation());
            } else if (op instanceof Remove r) {
                registry.remove(r.childId(), r.node(), r.incarnation());
            }
        }
        Set<NodeId> reached = new HashSet<>(d.reached());
        reached.add(self);
        Set<NodeId> hops = strategies.synchronization().nextHops(self, memberList, reached, ThreadLocalRandom.current());
        if (!hops.isEmpty()) {
            reached.addAll(hops);
            List<NodeId> list = new ArrayList<>(reached);
            list.sort(null);
            byte[] frame = WireCodec.encode(new RegistryDelta(hubId, d.origin(), list, d.ops()));
            for (NodeId n : hops) sendEncoded(n, frame);
        }
    }

    private void localRestarted(ProcessCell cell) {
        if (registry.insert(cell.spec(), cell.metadata(), self, cell.incarnation())) {
            propagate(List.of(new Insert(cell.spec(), cell.metadata(), self, cell.incarnation())));
        }
    }

    private void localRemoved(ProcessCell cell, StopReason reason, String detail) {
        log.info("hub " + hubId + ": child " + cell.childId() + " ended (" + reason + ": " + detail + "); removed from the registry");
        if (registry.remove(cell.childId(), self, Long.MAX_VALUE)) {
            propagate(List.of(new Remove(cell.childId(), self, cell.incarnation())));
        }
    }

    private void scheduleSync() {
        appliedSyncInterval = strategies.synchronization().syncInterval();
        long ms = appliedSyncInterval.toMillis();
        syncTask = cluster.timer().scheduleWithFixedDelay(() -> loop.post(LOW, this::periodicSync), ms, ms, TimeUnit.MILLISECONDS);
    }

    private void periodicSync() {
        if (!alive || partitioned || loop.isLocked()) return;
        dropStaleOwnRows();
        if (!orphans.isEmpty()) {
            List<StartItem> mine = resolveOrphans();
            if (!mine.isEmpty()) startLocal(mine, true, null, r -> {});
        }
        if (memberList.size() < 2) return;
        repairMisplaced();
        if ("true".equals(strategies.synchronization().options().get("restricted.init"))) {
            // gossip with restricted.init: only the first member starts a round; the round reaches everyone
            if (self.equals(memberList.get(0))) joinRound(new SyncRound(hubId, self, System.currentTimeMillis(), List.of()));
            return;
        }
        pushDigest();
    }

    /**
     * Self-healing: once the members have been stable for a sync interval, a local child this node does not
     * own is a leftover of concurrent joins and leaves (a split-brain merge, a move sent on a stale view, a
     * restart of a node that only rejoined). No membership event will come to fix it, so rebalance now: a
     * duplicate stops here, a misplaced child moves to its owner.
     */
    private void repairMisplaced() {
        if (System.nanoTime() - membershipChanged < strategies.synchronization().syncInterval().toNanos()) return;
        int rf = replicationFactor(memberList.size());
        long misplaced = supervisor.cells().stream().filter(c -> !placement.owners(c.childId(), rf).contains(self)).count();
        if (misplaced == 0) return;
        log.info("hub " + hubId + ": " + misplaced + " child(ren) run here that this node does not own; repairing");
        loop.post(LOW, () -> rebalance(Optional.empty(), "repair"));
    }

    /**
     * Tells the members the synchronization strategy picks what runs here, as a digest; a member whose
     * registry disagrees pulls the full snapshot. An idle, consistent cluster so exchanges a few bytes per
     * interval instead of every row.
     */
    private void pushDigest() {
        Set<NodeId> targets = strategies.synchronization().nextHops(self, memberList, Set.of(self), ThreadLocalRandom.current());
        if (targets.isEmpty() || partitioned) return;
        int count = 0;
        long hash = 0;
        for (ProcessCell c : supervisor.cells()) {
            if (registry.instance(c.childId(), self) != null) {
                count++;
                hash += Hashing.rowHash(c.childId(), c.incarnation());
            }
        }
        digestsSent++;
        byte[] frame = WireCodec.encode(new SyncDigest(hubId, self, count, hash));
        for (NodeId n : targets) sendEncoded(n, frame);
        digestedTo.addAll(targets);
    }

    /** A member disagreed with our digest: send it everything (once per digest it got, so pulls cannot flood). */
    private void onPull(SyncPull p) {
        if (members.containsKey(p.node()) && digestedTo.remove(p.node())) sendSnapshot(p.node());
    }

    private void onDigest(SyncDigest d) {
        if (!members.containsKey(d.node()) || d.node().equals(self)) return;
        Registry.Digest mine = registry.digest(d.node());
        if (mine.count() != d.count() || mine.hash() != d.hash()) {
            log.debug(() -> "hub " + hubId + ": " + mine.count() + " row(s) of " + d.node() + " here, it runs " + d.count()
                    + (mine.count() == d.count() ? " (other incarnations)" : "") + "; pulling its list");
            send(d.node(), new SyncPull(hubId, self));
        }
    }

    /** Anti-entropy counters, for tests: digests pushed, full snapshots sent. */
    long[] syncStats() {
        return new long[] {digestsSent, snapshotsSent};
    }

    /** A gossip anti-entropy round: push our digest once per round, pass the round on to the unreached. */
    private void joinRound(SyncRound r) {
        Long last = rounds.get(r.initiator());
        if (last != null && last >= r.roundId()) return;
        rounds.put(r.initiator(), r.roundId());
        pushDigest();
        Set<NodeId> reached = new HashSet<>(r.reached());
        reached.add(self);
        Set<NodeId> hops = strategies.synchronization().nextHops(self, memberList, reached, ThreadLocalRandom.current());
        if (hops.isEmpty()) return;
        reached.addAll(hops);
        List<NodeId> list = new ArrayList<>(reached);
        list.sort(null);
        byte[] frame = WireCodec.encode(new SyncRound(hubId, r.initiator(), r.roundId(), list));
        for (NodeId n : hops) sendEncoded(n, frame);
    }

    /** Registry rows that claim an instance here that does not run (any more): remove and tell the others. */
    private void dropStaleOwnRows() {
        List<RegistryOp> ops = new ArrayList<>();
        // walks the live rows: a list of all own rows would be the size of the registry, every interval
        for (ChildInfo row : registry.rows()) {
            if (supervisor.get(row.childId()).isPresent()) continue;
            ProcessRef mine = registry.instance(row.childId(), self);
            if (mine != null && registry.remove(row.childId(), self, mine.incarnation())) {
                ops.add(new Remove(row.childId(), self, mine.incarnation()));
            }
        }
        if (!ops.isEmpty()) {
            log.info("hub " + hubId + ": dropped " + ops.size() + " stale registry row(s) of this node");
            propagate(ops);
        }
    }

    /** Sends {@code to} everything that runs here, in chunks. */
    private void sendSnapshot(NodeId to) {
        if (partitioned) return;
        snapshotsSent++;
        long high = cluster.currentIncarnation();
        long syncId = ++syncIds;
        List<SyncRow> rows = new ArrayList<>();
        for (ProcessCell c : supervisor.cells()) {
            if (registry.instance(c.childId(), self) != null) rows.add(new SyncRow(c.spec(), c.metadata(), c.incarnation()));
        }
        int chunk = 0;
        int size = settings.chunkSize();
        if (rows.isEmpty()) {
            send(to, new SyncSnapshot(hubId, self, syncId, high, 0, true, List.of()));
            return;
        }
        for (int from = 0; from < rows.size(); from += size) {
            int to2 = Math.min(rows.size(), from + size);
            send(to, new SyncSnapshot(hubId, self, syncId, high, chunk++, to2 == rows.size(), List.copyOf(rows.subList(from, to2))));
        }
    }

    private void onSnapshot(SyncSnapshot s) {
        NodeId node = s.node();
        if (!members.containsKey(node) || node.equals(self)) return;
        SyncState st = syncs.computeIfAbsent(node, k -> new SyncState());
        if (st.syncId != s.syncId()) {
            st.syncId = s.syncId();
            st.seen.clear();
        }
        for (SyncRow row : s.rows()) {
            registry.insert(row.spec(), row.metadata(), node, row.incarnation());
            st.seen.add(row.spec().id());
        }
        if (s.last()) {
            for (ChildInfo row : registry.rowsOf(node)) {
                ProcessRef ref = registry.instance(row.childId(), node);
                if (ref != null && ref.incarnation() < s.incarnationHigh() && !st.seen.contains(row.childId())) {
                    registry.remove(row.childId(), node, ref.incarnation());
                }
            }
            syncs.remove(node);
        }
    }

    // ---------------------------------------------------------------- redistribution

    /**
     * After a join or a strategy change (priority 0, so one at a time): restart children if quorum came
     * back, then move every local child this node no longer owns to its owner(s), and add missing replicas.
     */
    private void rebalance(Optional<NodeId> joined, String why) {
        if (!alive) return;
        lock();
        Redistribution event = new Redistribution(Redistribution.Kind.NODE_JOIN, joined.orElse(self));
        hooks.fire(Hook.PRE_NODES_REDISTRIBUTION, event);
        CompletableFuture<Void> healed = partitioned && strategies.partitionTolerance().hasQuorum(view(false))
                ? heal() : CompletableFuture.completedFuture(null);
        healed.thenRun(() -> loop.post(Integer.MAX_VALUE, () -> {
            if (partitioned) {
                finishRedistribution(Hook.POST_NODES_REDISTRIBUTION, event);
                return;
            }
            moveMisplaced(why).whenComplete((v, e) -> loop.post(Integer.MAX_VALUE,
                    () -> finishRedistribution(Hook.POST_NODES_REDISTRIBUTION, event)));
        }));
    }

    private void finishRedistribution(Hook<Redistribution> hook, Redistribution event) {
        refreshModes();
        hooks.fire(hook, event);
        unlock();
    }

    /** Moves local children this node does not own any more; completes when the targets answered. */
    private CompletableFuture<Void> moveMisplaced(String why) {
        int rf = replicationFactor(memberList.size());
        Map<NodeId, List<ProcessCell>> moves = new LinkedHashMap<>();
        Map<NodeId, List<StartItem>> replicas = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (ProcessCell cell : supervisor.cells()) {
            String id = cell.childId();
            List<NodeId> owners = placement.owners(id, rf);
            ChildInfo row = registry.row(id);
            List<NodeId> holders = row == null ? List.of(self) : row.nodes();
            List<NodeId> missing = owners.stream().filter(o -> !holders.contains(o)).toList();
            if (!owners.contains(self)) {
                if (missing.isEmpty()) duplicates.add(id);
                else moves.computeIfAbsent(missing.get(0), k -> new ArrayList<>()).add(cell);
            } else if (!missing.isEmpty() && self.equals(firstHolderAmong(owners, holders))) {
                for (NodeId m : missing) {
                    replicas.computeIfAbsent(m, k -> new ArrayList<>())
                            .add(new StartItem(cell.spec(), cell.metadata(), owners, false, null));
                }
            }
        }
        List<CompletableFuture<?>> waits = new ArrayList<>();
        if (!duplicates.isEmpty()) {
            log.info("hub " + hubId + ": stopping " + duplicates.size() + " duplicate(s) that already run on their owner");
            CompletableFuture<Void> d = new CompletableFuture<>();
            stopLocal(duplicates, StopReason.SHUTDOWN, r -> d.complete(null));
            waits.add(d);
        }
        moves.forEach((target, cells) -> waits.add(migrate(target, cells, why)));
        replicas.forEach((target, items) -> waits.add(requestStart(target, items, settings.migrationTimeout())));
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    private static NodeId firstHolderAmong(List<NodeId> owners, List<NodeId> holders) {
        for (NodeId o : owners) if (holders.contains(o)) return o;
        return null;
    }

    /**
     * Moves {@code cells} to {@code target} with the migration strategy's plan: cold (stop here, then
     * start there) or hot (start there with the exported state, then stop here).
     */
    private CompletableFuture<Void> migrate(NodeId target, List<ProcessCell> cells, String why) {
        MigrationStrategy.Plan plan = strategies.migration().plan();
        List<String> ids = cells.stream().map(ProcessCell::childId).toList();
        log.info("hub " + hubId + ": moving " + ids.size() + " child(ren) to " + target + " (" + why + ", "
                + strategies.migration().name() + ")");
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!plan.startBeforeStop()) {
            List<StartItem> items = cells.stream()
                    .map(c -> new StartItem(c.spec(), c.metadata(), List.of(target), false, null)).toList();
            stopLocal(ids, StopReason.SHUTDOWN, r -> requestStart(target, items, settings.migrationTimeout()).whenComplete((res, e) -> {
                hooks.fire(Hook.CHILD_MIGRATED, new ChildrenMigrated(target, ids, false));
                done.complete(null);
            }));
            return done;
        }
        // Hot swap: suspend each process (its state exported if it has Handover; later messages wait in its
        // mailbox), start the new instance there with that state, then hand the waiting messages over and
        // end the old one. If the target does not confirm within the retention, the old one resumes here.
        List<CompletableFuture<StartItem>> prepared = new ArrayList<>();
        for (ProcessCell c : cells) {
            prepared.add(supervisor.suspendForHandOff(c.childId()).toCompletableFuture()
                    .handle((state, e) -> e != null ? null : new StartItem(c.spec(), c.metadata(), List.of(target),
                            plan.handover() && state.isPresent(), plan.handover() ? state.orElse(null) : null)));
        }
        CompletableFuture.allOf(prepared.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> loop.post(Integer.MAX_VALUE, () -> {
            List<StartItem> items = prepared.stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList();
            Duration wait = plan.retention().isZero() ? settings.migrationTimeout() : plan.retention();
            requestStart(target, items, wait).whenComplete((results, e2) -> loop.post(Integer.MAX_VALUE, () -> {
                List<String> moved = new ArrayList<>();
                List<RegistryOp> ops = new ArrayList<>();
                for (StartItem item : items) {
                    String id = item.spec().id();
                    ItemResult r = results == null ? null : results.get(id);
                    if (r == null || !r.isOk()) {
                        supervisor.resume(id);
                        continue;
                    }
                    moved.add(id);
                    movedTo.put(id, target);
                    cluster.timer().schedule(() -> movedTo.remove(id, target), MOVED_TTL_MS, TimeUnit.MILLISECONDS);
                    ProcessRef old = registry.instance(id, self);
                    if (old != null && registry.remove(id, self, old.incarnation())) {
                        ops.add(new Remove(id, self, old.incarnation()));
                    }
                    supervisor.handOff(id, (message, reply) -> calls.forward(target, id, message, reply));
                }
                propagate(ops);
                if (moved.size() < items.size()) {
                    log.warn("hub " + hubId + ": " + (items.size() - moved.size()) + " child(ren) not confirmed by " + target
                            + " in time; they keep running here");
                }
                hooks.fire(Hook.CHILD_MIGRATED, new ChildrenMigrated(target, moved, plan.handover()));
                done.complete(null);
            }));
        }));
        return done;
    }

    /**
     * Sends migration starts to {@code target}, in chunks; completes with the result per child id (children
     * of a chunk that failed, timed out or whose node left are missing from the map).
     */
    private CompletableFuture<Map<String, ItemResult>> requestStart(NodeId target, List<StartItem> items, Duration timeout) {
        List<CompletableFuture<List<ItemResult>>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += settings.chunkSize()) {
            List<StartItem> chunk = List.copyOf(items.subList(from, Math.min(items.size(), from + settings.chunkSize())));
            long id = requestIds.incrementAndGet();
            CompletableFuture<StartReply> reply = new CompletableFuture<>();
            if (!target.equals(self) && !cluster.isUp(target)) {
                reply.completeExceptionally(new NodeDownException("node " + target + " is down"));
            } else {
                migrations.put(id, new PendingMigration(target, reply));
                loop.schedule(timeout, Integer.MAX_VALUE, () -> {
                    PendingMigration m = migrations.remove(id);
                    if (m != null) m.reply.completeExceptionally(new HubTimeoutException("no answer from " + target + " within " + timeout.toMillis() + " ms"));
                });
                send(target, new StartRequest(hubId, id, self, true, 0, timeout.toMillis(), chunk));
            }
            chunks.add(reply.handle((r, e) -> {
                if (e != null) {
                    log.warn("hub " + hubId + ": moving " + chunk.size() + " child(ren) to " + target + " failed: " + e.getMessage());
                    return List.of();
                }
                List<ItemResult> failed = r.results().stream().filter(x -> !x.isOk()).toList();
                if (!failed.isEmpty()) log.warn("hub " + hubId + ": " + target + " could not start " + failed.size() + " moved child(ren), e.g. " + failed.get(0));
                return r.results();
            }));
        }
        return CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, ItemResult> all = new HashMap<>();
            chunks.forEach(c -> c.join().forEach(r -> all.put(r.childId(), r)));
            return all;
        });
    }

    /** After a member left: start here the children it ran that this node now owns. */
    private void recoverAfterLeave(NodeId node) {
        if (!alive) return;
        lock();
        Redistribution event = new Redistribution(Redistribution.Kind.NODE_LEAVE, node);
        hooks.fire(Hook.PRE_NODES_REDISTRIBUTION, event);
        if (partitioned) {
            finishRedistribution(Hook.POST_NODES_REDISTRIBUTION, event);
            return;
        }
        List<StartItem> items = resolveOrphans();
        if (items.isEmpty()) {
            finishRedistribution(Hook.POST_NODES_REDISTRIBUTION, event);
            return;
        }
        log.info("hub " + hubId + ": restarting " + items.size() + " child(ren) of departed node(s) here (last: " + node + ")");
        startLocal(items, true, null, results -> finishRedistribution(Hook.POST_NODES_REDISTRIBUTION, event));
    }

    /**
     * Decides about every orphan against the current ring: one that runs again on enough live members is
     * forgotten; one this node now owns is returned to be started here; one whose owner has not picked it
     * up after a while is sent to that owner (a node that joined later never saw it leave). Loop thread.
     */
    private List<StartItem> resolveOrphans() {
        int rf = replicationFactor(memberList.size());
        long now = System.nanoTime();
        long grace = 3 * strategies.synchronization().syncInterval().toNanos();
        List<StartItem> here = new ArrayList<>();
        Map<NodeId, List<StartItem>> elsewhere = new LinkedHashMap<>();
        for (var it = orphans.values().iterator(); it.hasNext(); ) {
            Orphan o = it.next();
            String id = o.row().childId();
            ChildInfo row = registry.row(id);
            long live = row == null ? 0 : row.nodes().stream().filter(members::containsKey).count();
            if (live >= rf || supervisor.get(id).isPresent()) {
                it.remove(); // runs again
                continue;
            }
            List<NodeId> owners = placement.owners(id, rf);
            StartItem item = new StartItem(o.row().spec(), o.row().metadata(), owners, false, null);
            if (owners.contains(self)) {
                here.add(item);
                it.remove();
            } else if (now - o.since() > grace) {
                elsewhere.computeIfAbsent(owners.get(0), k -> new ArrayList<>()).add(item);
                it.remove();
            }
        }
        elsewhere.forEach((owner, items) -> {
            log.info("hub " + hubId + ": " + items.size() + " child(ren) of departed nodes still run nowhere; asking their owner " + owner);
            requestStart(owner, items, settings.migrationTimeout());
        });
        return here;
    }

    /** Graceful stop: hand every local child to its owner among the other members, then say goodbye. */
    private void drain(CompletableFuture<Void> drained) {
        List<NodeId> others = memberList.stream().filter(n -> !n.equals(self)).toList();
        List<ProcessCell> cells = new ArrayList<>(supervisor.cells());
        if (others.isEmpty() || cells.isEmpty() || partitioned) {
            sayGoodbye(others);
            drained.complete(null);
            return;
        }
        Placement without = strategies.distribution().placement(others);
        int rf = replicationFactor(others.size());
        Map<NodeId, List<ProcessCell>> moves = new LinkedHashMap<>();
        for (ProcessCell c : cells) {
            List<NodeId> owners = without.owners(c.childId(), rf);
            ChildInfo row = registry.row(c.childId());
            NodeId target = owners.stream().filter(o -> row == null || !row.nodes().contains(o)).findFirst().orElse(null);
            if (target != null) moves.computeIfAbsent(target, k -> new ArrayList<>()).add(c);
        }
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        moves.forEach((target, list) -> waits.add(migrate(target, list, "graceful stop of " + self)));
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> loop.post(Integer.MAX_VALUE, () -> {
            sayGoodbye(others);
            drained.complete(null);
        }));
    }

    private void sayGoodbye(List<NodeId> others) {
        byte[] frame = WireCodec.encode(new Leave(hubId, self));
        for (NodeId n : others) sendEncoded(n, frame);
    }

    private void failPending() {
        HubNotAliveException e = new HubNotAliveException("hub " + hubId + " stopped");
        starts.values().forEach(c -> c.future.completeExceptionally(e));
        stops.values().forEach(c -> c.future.completeExceptionally(e));
        whiches.values().forEach(w -> w.future.completeExceptionally(e));
        migrations.values().forEach(m -> m.reply.completeExceptionally(e));
        starts.clear();
        stops.clear();
        whiches.clear();
        migrations.clear();
    }

    /** For status displays: members as of now (copy). */
    public Collection<NodeId> members() {
        return memberList;
    }
}
