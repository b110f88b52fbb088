package org.processhub.runtime.internal.supervisor;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.processhub.api.AlreadyStartedException;
import org.processhub.api.ChildNotFoundException;
import org.processhub.api.ChildSpec;
import org.processhub.api.ErrorCode;
import org.processhub.api.HubNotAliveException;
import org.processhub.api.Mode;
import org.processhub.api.NodeId;
import org.processhub.api.ProcessFactory;
import org.processhub.api.ProcessHub;
import org.processhub.api.ProcessHubException;
import org.processhub.api.StopReason;
import org.processhub.api.UnknownFactoryException;
import org.processhub.runtime.internal.log.Log;

/**
 * The local supervisor of one hub on this node: runs each child's {@link org.processhub.api.HubProcess} on
 * its own mailbox ({@link ProcessCell}) on a shared executor, and restarts it per its
 * {@link org.processhub.api.RestartPolicy} with an Erlang/OTP-style restart intensity per child.
 *
 * <p>It knows nothing of the registry or the cluster: the hub tells it what to start and stop, and learns
 * from the {@link Listener} about restarts and children that ended by themselves.
 *
 * <p>All methods may be called from any thread. Futures complete on the executor's threads (the mailbox
 * that did the work), or on the calling thread for immediate refusals.
 */
public final class Supervisor {
    /** Told about what the supervisor did by itself. Called on a mailbox thread; must be quick and not block. */
    public interface Listener {
        /**
         * A crashed (or, for PERMANENT, self-stopped) process was replaced and the new instance's init
         * succeeded: {@code cell.incarnation()} is new.
         */
        void restarted(ProcessCell cell);

        /**
         * The child ended for good by itself (transient/temporary normal exit, temporary crash, restart
         * intensity exceeded); it is no longer in {@link #cells()}. Not called for {@link #stop}/{@link #stopAll}
         * nor for a failed first init (the start future reports that).
         *
         * @param reason {@link StopReason#NORMAL} or {@link StopReason#CRASH}
         */
        void removed(ProcessCell cell, StopReason reason, String detail);
    }

    /** Finds the process factory registered under a name (the OSGi service registry in production). */
    @FunctionalInterface
    public interface FactoryLookup {
        Optional<ProcessFactory> find(String name);
    }

    final String hubId;
    final NodeId node;
    final FactoryLookup factories;
    final Executor executor;
    final SupervisorSettings settings;
    final Supplier<ProcessHub> hub;
    final LongSupplier incarnations;
    final Clock clock;
    final Log log;
    private final Listener listener;
    private final ConcurrentHashMap<String, ProcessCell> cells = new ConcurrentHashMap<>();

    /**
     * @param incarnations gives each (re)started instance its incarnation; must increase
     * @param clock        measures the restart intensity window
     */
    public Supervisor(String hubId, NodeId node, FactoryLookup factories, Executor executor,
            SupervisorSettings settings, Listener listener, Supplier<ProcessHub> hub, LongSupplier incarnations,
            Clock clock, Log log) {
        this.hubId = Objects.requireNonNull(hubId, "hubId");
        this.node = Objects.requireNonNull(node, "node");
        this.factories = Objects.requireNonNull(factories, "factories");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.hub = Objects.requireNonNull(hub, "hub");
        this.incarnations = Objects.requireNonNull(incarnations, "incarnations");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * Starts a child here: the cell is registered at once (so messages sent meanwhile queue behind init),
     * then, as the first task of its mailbox, the factory creates the process, {@code init} runs, and, if
     * {@code hasHandover} and the process implements {@link org.processhub.api.Handover}, {@code importState}
     * (otherwise the state is ignored).
     *
     * @return completes with the cell once init succeeded; fails with {@link UnknownFactoryException},
     *         {@link AlreadyStartedException} if a cell with that id exists (also while one is stopping), or
     *         {@link ErrorCode#INIT_FAILED} if the factory, init or importState threw (the cell is removed and
     *         messages sent to it meanwhile fail with {@link ChildNotFoundException})
     */
    public CompletionStage<ProcessCell> start(ChildSpec spec, Map<String, String> metadata, Mode mode,
            boolean hasHandover, Object handoverState) {
        Objects.requireNonNull(spec, "spec");
        ProcessFactory factory;
        try {
            factory = factories.find(spec.factory()).orElse(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(new ProcessHubException(ErrorCode.INIT_FAILED,
                    spec.id() + ": looking up process factory '" + spec.factory() + "' failed: " + e, e));
        }
        if (factory == null) {
            return CompletableFuture.failedStage(new UnknownFactoryException(
                    "no process factory named '" + spec.factory() + "' (child " + spec.id() + ")"));
        }
        CompletableFuture<ProcessCell> started = new CompletableFuture<>();
        ProcessCell cell = new ProcessCell(this, spec, metadata == null ? Map.of() : Map.copyOf(metadata),
                mode == null ? Mode.ACTIVE : mode, incarnations.getAsLong(), factory, started, hasHandover,
                handoverState);
        if (cells.putIfAbsent(spec.id(), cell) != null) {
            return CompletableFuture.failedStage(new AlreadyStartedException(List.of(spec.id()),
                    spec.id() + " is already running on " + node));
        }
        if (!cell.schedule()) {
            cell.close();
            cells.remove(spec.id(), cell);
            started.completeExceptionally(new HubNotAliveException(
                    "hub " + hubId + " cannot start " + spec.id() + ": its executor is shut down"));
        }
        return started;
    }

    /** The cell of a child on this node (also while it starts or stops). Lock-free. */
    public Optional<ProcessCell> get(String childId) {
        return Optional.ofNullable(cells.get(childId));
    }

    /** A snapshot of the cells on this node. */
    public Collection<ProcessCell> cells() {
        return Collections.unmodifiableList(new ArrayList<>(cells.values()));
    }

    public int size() {
        return cells.size();
    }

    /**
     * Stops a child for good (no restart, no {@link Listener#removed}): {@code terminate(reason)} runs on its
     * mailbox after the messages already queued; messages queued after the stop fail with
     * {@link ChildNotFoundException} (calls) or are dropped (casts).
     *
     * @return completes with true once terminated and unregistered; with false if there is no such child or
     *         it ended another way (another stop, a crash removal) before this stop's turn
     */
    public CompletionStage<Boolean> stop(String childId, StopReason reason) {
        Objects.requireNonNull(reason, "reason");
        ProcessCell cell = cells.get(childId);
        if (cell == null) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (!cell.stop(reason, done)) {
            return CompletableFuture.completedFuture(false);
        }
        return done;
    }

    /**
     * Stops every child running now (as {@link #stop}); completes when all terminated. Children started
     * concurrently with this call may be missed: it does not close the supervisor. Call it before shutting
     * the executor down: the terminations run on it.
     */
    public CompletionStage<Void> stopAll(StopReason reason) {
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (ProcessCell cell : cells.values()) {
            all.add(stop(cell.childId(), reason).toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /**
     * Asks the process for its state ({@link org.processhub.api.Handover#exportState()}) on its mailbox, after
     * the messages already queued.
     *
     * @return the state; {@code Optional.empty()} if the process does not implement Handover or exported
     *         null; fails with {@link ChildNotFoundException} if there is no such child (or it stops first)
     *         and with {@link ErrorCode#PROCESS_CRASHED} if exportState threw (that crashes the process,
     *         like any other callback)
     */
    public CompletionStage<Optional<Object>> exportState(String childId) {
        ProcessCell cell = cells.get(childId);
        if (cell == null) {
            return CompletableFuture.failedStage(new ChildNotFoundException(childId + " is not running on " + node));
        }
        CompletableFuture<Optional<Object>> result = new CompletableFuture<>();
        if (!cell.exportState(result)) {
            return CompletableFuture.failedStage(cell.stoppedError());
        }
        return result;
    }

    /**
     * First half of a hand-off to another node (hot swap): after the messages already queued, exports the
     * process's state (if it implements {@link org.processhub.api.Handover}) and suspends it: messages sent
     * from then on wait in its mailbox, unhandled, until {@link #handOff} or {@link #resume}.
     *
     * @return the exported state (empty if the process does not implement Handover)
     */
    public CompletionStage<Optional<Object>> suspendForHandOff(String childId) {
        ProcessCell cell = cells.get(childId);
        if (cell == null) {
            return CompletableFuture.failedStage(new ChildNotFoundException(childId + " is not running on " + node));
        }
        CompletableFuture<Optional<Object>> result = new CompletableFuture<>();
        if (!cell.suspendForHandOff(result)) {
            return CompletableFuture.failedStage(cell.stoppedError());
        }
        return result;
    }

    /**
     * Second half: the new instance runs elsewhere. Ends the suspended instance ({@code terminate(SHUTDOWN)},
     * no restart, no listener call) and gives every message still waiting to {@code forward} (on the mailbox
     * thread; {@code reply} is null for casts), so none is lost.
     *
     * @return completes when done; with false-like failure if the child is not suspended
     */
    public CompletionStage<Void> handOff(String childId, BiConsumer<Object, CompletableFuture<Object>> forward) {
        ProcessCell cell = cells.get(childId);
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (cell == null || !cell.handOff(forward, done)) {
            return CompletableFuture.failedStage(new ChildNotFoundException(childId + " is not suspended on " + node));
        }
        return done;
    }

    /** The hand-off failed: the suspended process handles its messages again. */
    public void resume(String childId) {
        ProcessCell cell = cells.get(childId);
        if (cell != null) cell.resume();
    }

    @Override
    public String toString() {
        return "Supervisor[" + hubId + "@" + node + ", " + cells.size() + " children]";
    }

    // ---- called by cells, on their mailbox thread -----------------------------------------------

    void unregister(ProcessCell cell) {
        cells.remove(cell.childId(), cell);
    }

    void restarted(ProcessCell cell) {
        try {
            listener.restarted(cell);
        } catch (Throwable t) {
            log.warn(describe(cell) + ": restart listener threw", t);
        }
    }

    void removed(ProcessCell cell, StopReason reason, String detail) {
        try {
            listener.removed(cell, reason, detail);
        } catch (Throwable t) {
            log.warn(describe(cell) + ": removal listener threw", t);
        }
    }

    /** DEBUG with the stack trace: crashes are routine for a supervisor, but their cause must be findable. */
    void debug(ProcessCell cell, String what, Throwable t) {
        if (log.enabled(Log.Level.DEBUG)) {
            log.log(Log.Level.DEBUG, describe(cell) + " " + what + ": " + t, t);
        }
    }

    String describe(ProcessCell cell) {
        return "hub " + hubId + ": child " + cell.childId() + "#" + cell.incarnation();
    }

    /** "10s", "1500ms": for messages. */
    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
