package org.processhub.runtime.internal.hub;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.processhub.api.ChildInfo;
import org.processhub.api.ChildNotFoundException;
import org.processhub.api.ErrorCode;
import org.processhub.api.HubTimeoutException;
import org.processhub.api.NodeDownException;
import org.processhub.api.NodeId;
import org.processhub.api.Payloads;
import org.processhub.api.ProcessHubException;
import org.processhub.api.ProcessRef;
import org.processhub.runtime.internal.cluster.Cluster;
import org.processhub.runtime.internal.log.Log;
import org.processhub.runtime.internal.supervisor.ProcessCell;
import org.processhub.runtime.internal.supervisor.Supervisor;
import org.processhub.runtime.internal.wire.Message.Call;
import org.processhub.runtime.internal.wire.Message.CallReply;
import org.processhub.runtime.internal.wire.WireCodec;

/**
 * call/cast routing. Runs on the caller's thread and on transport reader threads, never on the hub's
 * event loop: a message to a local process goes straight to its mailbox (no serialization), a remote one
 * is one frame out and one frame back, matched by request id.
 */
final class Calls {
    /** A call waiting for its reply; {@code target} null for a local call. */
    private record Pending(CompletableFuture<Object> future, NodeId target, String childId, long deadline, long timeoutMillis) {}

    /**
     * How often waiting calls are checked for their deadline. One sweep, armed only while calls wait, instead of a
     * timer task per call: scheduling and cancelling one per call took the timer's lock twice per call and left
     * the cancelled tasks in its queue until their deadline (a million of them at 30 k calls/s with a 30 s timeout).
     */
    private static final long SWEEP_MILLIS = 10;

    private final HubCore hub;
    private final Cluster cluster;
    private final Supervisor supervisor;
    private final Log log;
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(30);
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>(); // remote calls, by request id
    private final Map<Long, Pending> localWaits = new ConcurrentHashMap<>(); // local calls with a deadline
    private final AtomicBoolean sweeping = new AtomicBoolean();

    Calls(HubCore hub, Cluster cluster, Supervisor supervisor, Log log) {
        this.hub = hub;
        this.cluster = cluster;
        this.supervisor = supervisor;
        this.log = log;
    }

    CompletionStage<Object> call(String childId, Object message, Duration timeout) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        try {
            Payloads.check(message, "call message");
            NodeId target = target(childId);
            if (target.equals(hub.self())) {
                ProcessCell local = supervisor.get(childId).orElseThrow(
                        () -> new ChildNotFoundException("child '" + childId + "' is not running on " + hub.self()));
                local.call(message, f);
                return withTimeout(f, timeout, childId);
            }
            remoteCall(target, childId, message, f, timeout);
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Sends a call to {@code target} and completes {@code f} with its reply, its error, or a timeout. */
    private void remoteCall(NodeId target, String childId, Object message, CompletableFuture<Object> f, Duration timeout) {
        if (pending.size() >= hub.settings().maxPendingCalls()) {
            f.completeExceptionally(new org.processhub.api.LimitExceededException(pending.size()
                    + " calls are already waiting for replies; the limit is " + hub.settings().maxPendingCalls() + " (max.pending.calls)"));
            return;
        }
        long id = ids.incrementAndGet();
        pending.put(id, new Pending(f, target, childId, System.nanoTime() + timeout.toNanos(), timeout.toMillis()));
        armSweep();
        try {
            cluster.send(target, WireCodec.encode(new Call(hub.hubId(), id, hub.self(), childId, true, message)));
        } catch (RuntimeException e) {
            pending.remove(id);
            f.completeExceptionally(e);
        }
    }

    /**
     * Passes a message on to the node a child moved to (hot-swap hand-off, or a late message for it);
     * {@code reply} null for a cast.
     */
    void forward(NodeId target, String childId, Object message, CompletableFuture<Object> reply) {
        if (reply == null) {
            try {
                cluster.send(target, WireCodec.encode(new Call(hub.hubId(), 0, hub.self(), childId, false, message)));
            } catch (RuntimeException e) {
                log.debug(() -> "forwarded cast to " + childId + " on " + target + " dropped: " + e.getMessage());
            }
            return;
        }
        remoteCall(target, childId, message, reply, FORWARD_TIMEOUT);
    }

    /**
     * The node a call goes to: the active replica if the redundancy strategy names one, else this node if
     * the child runs here, else another instance, else where it was just handed over to.
     */
    private NodeId target(String childId) {
        ProcessCell local = supervisor.get(childId).orElse(null);
        boolean here = local != null && local.alive();
        ChildInfo row = hub.registryReplica().row(childId);
        NodeId moved = hub.movedTo(childId);
        if (row == null) {
            if (here) return hub.self();
            if (moved != null) return moved;
            throw new ChildNotFoundException("no child '" + childId + "' in hub " + hub.hubId());
        }
        List<ProcessRef> active = hub.activeRefs(row);
        if (active.size() == 1 && active.size() < row.refs().size()) return active.get(0).node();
        if (here && row.nodes().contains(hub.self())) return hub.self();
        for (ProcessRef r : row.refs()) {
            if (!r.node().equals(hub.self())) return r.node();
        }
        if (moved != null) return moved;
        if (here) return hub.self();
        throw new ChildNotFoundException("child '" + childId + "' is not running (stale registry row on " + hub.self() + ")");
    }

    void cast(String childId, Object message) {
        Payloads.check(message, "cast message");
        ChildInfo row = hub.registryReplica().row(childId);
        if (row == null) {
            throw new ChildNotFoundException("no child '" + childId + "' in hub " + hub.hubId());
        }
        for (ProcessRef ref : hub.activeRefs(row)) {
            if (ref.node().equals(hub.self())) {
                ProcessCell cell = supervisor.get(childId).orElse(null);
                NodeId moved = hub.movedTo(childId);
                if (cell != null) cell.cast(message);
                else if (moved != null) forward(moved, childId, message, null);
            } else {
                try {
                    cluster.send(ref.node(), WireCodec.encode(new Call(hub.hubId(), 0, hub.self(), childId, false, message)));
                } catch (NodeDownException e) {
                    log.debug(() -> "cast to " + childId + " on " + ref.node() + " dropped: " + e.getMessage());
                }
            }
        }
    }

    private CompletableFuture<Object> withTimeout(CompletableFuture<Object> f, Duration timeout, String childId) {
        if (f.isDone()) return f;
        Long id = ids.incrementAndGet();
        localWaits.put(id, new Pending(f, null, childId, System.nanoTime() + timeout.toNanos(), timeout.toMillis()));
        armSweep();
        f.whenComplete((v, e) -> localWaits.remove(id));
        return f;
    }

    private void armSweep() {
        if (!sweeping.compareAndSet(false, true)) return;
        try {
            cluster.timer().schedule(this::sweep, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            sweeping.set(false); // the node is closing; failAll/nodeDown end what still waits
        }
    }

    /** Times out the calls past their deadline; re-arms itself while calls wait. */
    private void sweep() {
        long now = System.nanoTime();
        expire(pending, now);
        expire(localWaits, now);
        sweeping.set(false);
        if (!pending.isEmpty() || !localWaits.isEmpty()) armSweep();
    }

    private static void expire(Map<Long, Pending> waiting, long now) {
        for (Map.Entry<Long, Pending> e : waiting.entrySet()) {
            Pending p = e.getValue();
            if (now - p.deadline() >= 0 && waiting.remove(e.getKey(), p)) {
                p.future().completeExceptionally(new HubTimeoutException("call to '" + p.childId() + "'"
                        + (p.target() == null ? "" : " on " + p.target()) + " got no reply within " + p.timeoutMillis() + " ms"));
            }
        }
    }

    /** A call or cast from another node, on a transport thread. */
    void onCall(Call c) {
        ProcessCell cell = supervisor.get(c.childId()).orElse(null);
        NodeId moved = cell == null ? hub.movedTo(c.childId()) : null;
        if (moved != null && !moved.equals(c.origin())) {
            // a late message for a child handed over from here: pass it on (and the reply back)
            if (!c.expectReply()) {
                forward(moved, c.childId(), c.payload(), null);
                return;
            }
            CompletableFuture<Object> f = new CompletableFuture<>();
            f.whenComplete((v, e) -> answer(c, v, e));
            forward(moved, c.childId(), c.payload(), f);
            return;
        }
        if (!c.expectReply()) {
            if (cell != null) {
                try {
                    cell.cast(c.payload());
                } catch (ProcessHubException e) {
                    log.debug(() -> "cast to " + c.childId() + " dropped: " + e.getMessage());
                }
            }
            return;
        }
        if (cell == null) {
            reply(c, ErrorCode.NOT_FOUND, "child '" + c.childId() + "' is not running on " + hub.self(), null);
            return;
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        f.whenComplete((v, e) -> answer(c, v, e));
        try {
            cell.call(c.payload(), f);
        } catch (ProcessHubException e) {
            f.completeExceptionally(e);
        }
    }

    private void answer(Call c, Object v, Throwable e) {
        if (e == null) {
            if (Payloads.isAllowed(v)) {
                reply(c, null, null, v);
            } else {
                reply(c, ErrorCode.INVALID_PAYLOAD, "reply of type " + v.getClass().getName() + " is not an allowed payload", null);
            }
        } else {
            Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            ErrorCode code = t instanceof ProcessHubException p ? p.code() : ErrorCode.HANDLER_FAILED;
            reply(c, code, String.valueOf(t.getMessage()), null);
        }
    }

    private void reply(Call c, ErrorCode code, String message, Object payload) {
        try {
            cluster.send(c.origin(), WireCodec.encode(new CallReply(hub.hubId(), c.requestId(), code, message, payload)));
        } catch (RuntimeException e) {
            log.debug(() -> "reply to " + c.origin() + " for " + c.childId() + " dropped: " + e.getMessage());
        }
    }

    /** A reply from another node, on a transport thread. */
    void onReply(CallReply r) {
        Pending p = pending.remove(r.requestId());
        if (p == null) return; // timed out already
        if (r.error() == null) {
            p.future.complete(r.payload());
        } else {
            p.future.completeExceptionally(ProcessHubException.of(r.error(), r.message()));
        }
    }

    /** Fails the calls waiting on {@code node}, which left the cluster. */
    void nodeDown(NodeId node) {
        pending.entrySet().removeIf(e -> {
            if (!e.getValue().target.equals(node)) return false;
            e.getValue().future.completeExceptionally(new NodeDownException("node " + node + " left the cluster during the call"));
            return true;
        });
    }

    /** Fails every waiting call (hub stopping). */
    void failAll(ProcessHubException e) {
        pending.values().forEach(p -> p.future.completeExceptionally(e));
        pending.clear();
    }
}
