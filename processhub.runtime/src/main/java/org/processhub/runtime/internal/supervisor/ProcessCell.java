package org.processhub.runtime.internal.supervisor;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.processhub.api.ChildNotFoundException;
import org.processhub.api.ChildSpec;
import org.processhub.api.ErrorCode;
import org.processhub.api.Handover;
import org.processhub.api.HubProcess;
import org.processhub.api.MailboxFullException;
import org.processhub.api.Mode;
import org.processhub.api.ProcessContext;
import org.processhub.api.ProcessFactory;
import org.processhub.api.ProcessHub;
import org.processhub.api.ProcessHubException;
import org.processhub.api.ProcessRef;
import org.processhub.api.StopReason;
import org.processhub.api.UnknownFactoryException;

/**
 * The slot of one child on this node: its mailbox and its current {@link HubProcess} instance. The cell
 * survives restarts (same mailbox, messages queued meanwhile are kept); each (re)start gets a new
 * incarnation. Created and removed by {@link Supervisor}.
 *
 * <p>All user code (factory, init, handlers, terminate, handover) runs in the mailbox's turns, one message
 * at a time, on the supervisor's executor. The public methods are safe from any thread. Reply futures are
 * completed on the mailbox thread: callers should attach heavy work with an {@code ...Async} stage.
 */
public final class ProcessCell extends Mailbox {
    private final Supervisor sup;
    private final ChildSpec spec;
    private final Map<String, String> metadata;
    private volatile long incarnation;
    private volatile Mode mode;
    /** The running instance; null before init, between a crash and its replacement, and once dead. Turn only. */
    private HubProcess process;
    /** Times (clock millis) of the last {@code maxRestarts} restarts, oldest first; lazy. Turn only. */
    private long[] restarts;
    /** Where the waiting messages go when a hand-off completes (set before {@link #TRANSFER}). */
    private volatile HandOff handOff;

    ProcessCell(Supervisor sup, ChildSpec spec, Map<String, String> metadata, Mode mode, long incarnation,
            ProcessFactory factory, CompletableFuture<ProcessCell> started, boolean hasHandover, Object state) {
        super(new Init(factory, started, hasHandover, state)); // init is the first message of the mailbox
        this.sup = sup;
        this.spec = spec;
        this.metadata = metadata;
        this.mode = mode;
        this.incarnation = incarnation;
    }

    public String childId() {
        return spec.id();
    }

    public ChildSpec spec() {
        return spec;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The incarnation of the current (or, while restarting, the latest) instance. */
    public long incarnation() {
        return incarnation;
    }

    /** The current instance's reference (a new object each call; cache it if needed often). */
    public ProcessRef ref() {
        return refOf(incarnation);
    }

    public Mode mode() {
        return mode;
    }

    /**
     * True until the cell is stopped or removed for good (then it accepts no more messages). A cell between a
     * crash and its replacement, or whose first init has not run yet, is alive: its messages wait.
     */
    public boolean alive() {
        return (state() & DEAD) == 0;
    }

    /** Messages waiting in the mailbox. */
    public int mailboxSize() {
        return queued();
    }

    /**
     * Queues a request; {@code reply} completes on the mailbox thread with the handler's return value. Never
     * throws for delivery problems: {@code reply} completes exceptionally with {@link MailboxFullException}
     * if the mailbox is full, {@link ChildNotFoundException} if the cell is stopped (or stops before the
     * message's turn), or {@link ErrorCode#PROCESS_CRASHED} if the handler crashed the process.
     */
    public void call(Object message, CompletableFuture<Object> reply) {
        Objects.requireNonNull(reply, "reply");
        switch (offer(message, reply, sup.settings.mailboxCapacity())) {
            case FULL -> reply.completeExceptionally(mailboxFull());
            case CLOSED -> reply.completeExceptionally(stoppedError());
            default -> { }
        }
    }

    /**
     * Queues a one-way message.
     *
     * @throws MailboxFullException if the mailbox is full; a cast to a stopped cell is silently dropped
     *                              (like casts still queued when a cell stops)
     */
    public void cast(Object message) {
        if (offer(message, null, sup.settings.mailboxCapacity()) == FULL) {
            throw mailboxFull();
        }
    }

    /**
     * Records this replica's mode (seen at once by {@link ProcessContext#mode()}); if {@code notify}, also
     * queues {@link HubProcess#modeChanged} behind the messages already queued. Any thread.
     */
    public void setMode(Mode mode, boolean notify) {
        Objects.requireNonNull(mode, "mode");
        this.mode = mode;
        if (notify) {
            offer(new ModeChange(mode), null, UNBOUNDED); // a dead cell needs no notice
        }
    }

    @Override
    public String toString() {
        return "ProcessCell[" + ref() + (alive() ? "" : ", dead") + ", queued=" + queued() + "]";
    }

    // ---- called by Supervisor, any thread -------------------------------------------------------

    /** Queues a stop behind the queued messages; false if the cell is already dead. */
    boolean stop(StopReason reason, CompletableFuture<Boolean> done) {
        return offer(new Stop(reason, done), null, UNBOUNDED) == OFFERED;
    }

    /** Queues a state export behind the queued messages; false if the cell is already dead. */
    boolean exportState(CompletableFuture<Optional<Object>> result) {
        return offer(new Export(result), null, UNBOUNDED) == OFFERED;
    }

    /** Queues an export that leaves the cell suspended (see {@link Supervisor#suspendForHandOff}). */
    boolean suspendForHandOff(CompletableFuture<Optional<Object>> result) {
        return offer(new Suspend(result), null, UNBOUNDED) == OFFERED;
    }

    /** Ends a suspended instance; waiting messages go to {@code forward}. */
    boolean handOff(BiConsumer<Object, CompletableFuture<Object>> forward, CompletableFuture<Void> done) {
        if ((state() & SUSPENDED) == 0 || (state() & DEAD) != 0) {
            return false;
        }
        handOff = new HandOff(forward, done);
        setFlags(TRANSFER);
        schedule();
        return true;
    }

    /** Lets a suspended instance handle its messages again (the move failed). */
    void resume() {
        clearFlags(SUSPENDED);
        schedule();
    }

    ChildNotFoundException stoppedError() {
        return new ChildNotFoundException(childId() + " stopped");
    }

    // ---- the turn ------------------------------------------------------------------------------

    @Override
    Executor executor() {
        return sup.executor;
    }

    @Override
    boolean turn() {
        int budget = sup.settings.throughput();
        for (;;) {
            int s = state();
            if ((s & DEAD) != 0) {
                failQueued();
                return false;
            }
            if ((s & TRANSFER) != 0) {
                transfer();
                return false;
            }
            if ((s & SUSPENDED) != 0) {
                return false; // messages wait for the hand-off or a resume (both schedule a turn)
            }
            if ((s & STOP_REQUESTED) != 0) {
                clearFlags(STOP_REQUESTED);
                exitNormally();
                continue;
            }
            if ((s & RESTARTING) != 0) {
                if (!restart()) {
                    return true; // failed attempt: retry on a later turn so other children get the thread
                }
                continue;
            }
            if (budget-- == 0) {
                return hasQueued();
            }
            Node node = poll();
            if (node == null) {
                return false;
            }
            Object message = node.message;
            CompletableFuture<Object> reply = node.reply;
            node.message = null; // the node is the new stub: keep nothing alive
            node.reply = null;
            if (message instanceof Signal signal) {
                signal.handle(this);
            } else {
                deliver(message, reply);
            }
        }
    }

    private void deliver(Object message, CompletableFuture<Object> reply) {
        Object result;
        try {
            if (reply == null) {
                process.handleCast(message);
                return;
            }
            result = process.handleCall(message);
        } catch (Throwable t) { // any throwable, even StackOverflowError: rethrowing would wedge the mailbox
            crashed(t, reply);
            return;
        }
        reply.complete(result);
    }

    private void init(Init init) {
        HubProcess p;
        try {
            p = create(init.factory());
            p.init(new Context(this, incarnation));
        } catch (Throwable t) { // no terminate: the instance never started (as in OTP)
            end();
            init.started().completeExceptionally(initFailed("init failed", t));
            return;
        }
        if (init.hasHandover() && p instanceof Handover handover) {
            try {
                handover.importState(init.state());
            } catch (Throwable t) {
                end();
                terminateQuietly(p, StopReason.CRASH); // init succeeded, so it gets its terminate
                init.started().completeExceptionally(initFailed("importState failed", t));
                return;
            }
        }
        process = p;
        init.started().complete(this);
    }

    private ProcessHubException initFailed(String what, Throwable t) {
        sup.debug(this, what, t);
        return new ProcessHubException(ErrorCode.INIT_FAILED, childId() + " " + what + ": " + t, t);
    }

    private HubProcess create(ProcessFactory factory) throws Exception {
        HubProcess p = factory.create(spec);
        if (p == null) {
            throw new IllegalStateException("process factory '" + spec.factory() + "' returned null");
        }
        return p;
    }

    /** A handler threw: terminate(CRASH), fail the message that crashed it, then apply the restart policy. */
    private void crashed(Throwable t, CompletableFuture<?> failed) {
        HubProcess p = process;
        process = null;
        terminateQuietly(p, StopReason.CRASH);
        if (failed != null) {
            failed.completeExceptionally(
                    new ProcessHubException(ErrorCode.PROCESS_CRASHED, childId() + " crashed: " + t, t));
        }
        sup.debug(this, "crashed", t);
        exited(StopReason.CRASH, t);
    }

    private void exitNormally() {
        HubProcess p = process;
        if (p == null) {
            return; // a late stop() from an instance that is already gone
        }
        process = null;
        terminateQuietly(p, StopReason.NORMAL);
        exited(StopReason.NORMAL, null);
    }

    private void exited(StopReason reason, Throwable cause) {
        boolean restart = switch (spec.restart()) {
            case PERMANENT -> true;
            case TRANSIENT -> reason == StopReason.CRASH;
            case TEMPORARY -> false;
        };
        if (restart) {
            setFlags(RESTARTING);
        } else {
            removed(reason, cause == null ? "stopped normally" : "crashed: " + cause);
        }
    }

    /**
     * One restart attempt (a failed init counts as a crash and uses up intensity too).
     *
     * @return false if the attempt failed and should be retried on a later turn
     */
    private boolean restart() {
        if (!recordRestart(sup.clock.millis())) {
            clearFlags(RESTARTING);
            String detail = "restart intensity exceeded: " + (sup.settings.maxRestarts() + 1) + " restarts in "
                    + Supervisor.format(sup.settings.restartPeriod());
            sup.log.warn(sup.describe(this) + " removed: " + detail);
            removed(StopReason.CRASH, detail);
            return true;
        }
        long inc = sup.incarnations.getAsLong();
        incarnation = inc;
        clearFlags(STOP_REQUESTED); // belongs to the previous instance
        HubProcess p;
        try {
            ProcessFactory factory = sup.factories.find(spec.factory()).orElseThrow(() -> new UnknownFactoryException(
                    "no process factory named '" + spec.factory() + "'"));
            p = create(factory);
            p.init(new Context(this, inc));
        } catch (Throwable t) {
            sup.debug(this, "restart failed (counts as a crash)", t);
            return false;
        }
        process = p;
        clearFlags(RESTARTING);
        sup.log.debug(() -> sup.describe(this) + " restarted");
        sup.restarted(this);
        return true;
    }

    /** Records a restart now, or returns false if it would exceed {@code maxRestarts} within the period. */
    private boolean recordRestart(long now) {
        int max = sup.settings.maxRestarts();
        if (max == 0) {
            return false;
        }
        long[] r = restarts;
        if (r == null) {
            r = restarts = new long[max];
            Arrays.fill(r, Long.MIN_VALUE);
        }
        if (r[0] != Long.MIN_VALUE && now - r[0] < sup.settings.restartPeriod().toMillis()) {
            return false; // the oldest of the last max restarts is inside the window: this one is max + 1
        }
        System.arraycopy(r, 1, r, 0, max - 1);
        r[max - 1] = now;
        return true;
    }

    /** Ended for good by itself: no more messages; the listener is told. */
    private void removed(StopReason reason, String detail) {
        end();
        sup.removed(this, reason, detail);
    }

    private void stopped(Stop stop) {
        HubProcess p = process;
        close();
        process = null;
        terminateQuietly(p, stop.reason()); // still registered meanwhile, so a same-id start waits for us
        sup.unregister(this);
        stop.done().complete(true);
    }

    private void export(Export export) {
        if (!(process instanceof Handover handover)) {
            export.result().complete(Optional.empty());
            return;
        }
        Object state;
        try {
            state = handover.exportState();
        } catch (Throwable t) {
            crashed(t, export.result());
            return;
        }
        export.result().complete(Optional.ofNullable(state));
    }

    /** Exports the state (if any), then stops handling messages until {@link #handOff} or {@link #resume}. */
    private void suspend(Suspend suspend) {
        Object state = null;
        boolean has = false;
        if (process instanceof Handover handover) {
            try {
                state = handover.exportState();
                has = true;
            } catch (Throwable t) {
                crashed(t, suspend.result());
                return;
            }
        }
        setFlags(SUSPENDED);
        suspend.result().complete(has ? Optional.ofNullable(state) : Optional.empty());
    }

    /** The hand-off: terminate this instance, pass what waits in the mailbox on, unregister. Turn only. */
    private void transfer() {
        HandOff h = handOff;
        HubProcess p = process;
        close();
        process = null;
        terminateQuietly(p, StopReason.SHUTDOWN);
        for (Node node; (node = poll()) != null; ) {
            Object message = node.message;
            CompletableFuture<Object> reply = node.reply;
            node.message = null;
            node.reply = null;
            if (message instanceof Signal signal) {
                signal.discard(this);
            } else {
                try {
                    h.forward().accept(message, reply);
                } catch (RuntimeException e) {
                    if (reply != null) reply.completeExceptionally(e);
                }
            }
        }
        sup.unregister(this);
        h.done().complete(null);
    }

    private void modeChanged(ModeChange change) {
        try {
            process.modeChanged(change.mode());
        } catch (Throwable t) {
            crashed(t, null);
        }
    }

    /** Marks the cell dead and unregisters it; the turn then fails what is still queued. */
    private void end() {
        close();
        process = null;
        sup.unregister(this);
    }

    /** Marks the cell dead; queued messages are failed by the next turn. */
    void close() {
        setFlags(DEAD);
    }

    /** Fails queued calls, answers queued signals, drops casts. Turn only, once dead. */
    private void failQueued() {
        for (Node node; (node = poll()) != null; ) {
            Object message = node.message;
            CompletableFuture<Object> reply = node.reply;
            node.message = null;
            node.reply = null;
            if (message instanceof Signal signal) {
                signal.discard(this);
            } else if (reply != null) {
                reply.completeExceptionally(stoppedError());
            }
        }
    }

    private void terminateQuietly(HubProcess p, StopReason reason) {
        if (p == null) {
            return;
        }
        try {
            p.terminate(reason);
        } catch (Throwable t) {
            sup.log.warn(sup.describe(this) + ": terminate(" + reason + ") threw (ignored)", t);
        }
    }

    private MailboxFullException mailboxFull() {
        return new MailboxFullException(childId() + ": mailbox full (" + sup.settings.mailboxCapacity() + " messages)");
    }

    @Override
    void rejected(RejectedExecutionException e) {
        sup.log.warn(sup.describe(this) + ": executor refused its mailbox (shutting down?)", e);
    }

    @Override
    void turnFailed(Throwable t) {
        sup.log.error(sup.describe(this) + ": supervisor bug in mailbox turn", t);
    }

    private ProcessRef refOf(long inc) {
        return new ProcessRef(sup.hubId, sup.node, spec.id(), inc);
    }

    /** Context.stop(): honoured only for the instance that is current. */
    private void requestStop(long inc) {
        if (inc == incarnation && setFlagsUnlessDead(STOP_REQUESTED)) {
            schedule(); // no-op when called from a handler (its turn is running); needed from other threads
        }
    }

    // ---- supervisor signals (queued like messages; user messages are Payloads values, never these) ----

    private sealed interface Signal {
        void handle(ProcessCell cell);

        /** The cell died before the signal's turn. */
        void discard(ProcessCell cell);
    }

    private record Init(ProcessFactory factory, CompletableFuture<ProcessCell> started, boolean hasHandover,
            Object state) implements Signal {
        public void handle(ProcessCell cell) {
            cell.init(this);
        }

        public void discard(ProcessCell cell) {
            started.completeExceptionally(cell.stoppedError());
        }
    }

    private record Stop(StopReason reason, CompletableFuture<Boolean> done) implements Signal {
        public void handle(ProcessCell cell) {
            cell.stopped(this);
        }

        public void discard(ProcessCell cell) {
            done.complete(false); // someone else ended it first
        }
    }

    private record Export(CompletableFuture<Optional<Object>> result) implements Signal {
        public void handle(ProcessCell cell) {
            cell.export(this);
        }

        public void discard(ProcessCell cell) {
            result.completeExceptionally(cell.stoppedError());
        }
    }

    private record Suspend(CompletableFuture<Optional<Object>> result) implements Signal {
        public void handle(ProcessCell cell) {
            cell.suspend(this);
        }

        public void discard(ProcessCell cell) {
            result.completeExceptionally(cell.stoppedError());
        }
    }

    private record HandOff(BiConsumer<Object, CompletableFuture<Object>> forward, CompletableFuture<Void> done) {}

    private record ModeChange(Mode mode) implements Signal {
        public void handle(ProcessCell cell) {
            cell.modeChanged(this);
        }

        public void discard(ProcessCell cell) {}
    }

    /** What a process sees of itself; one per instance, so a replaced instance cannot stop its successor. */
    private static final class Context implements ProcessContext {
        private final ProcessCell cell;
        private final long incarnation;

        Context(ProcessCell cell, long incarnation) {
            this.cell = cell;
            this.incarnation = incarnation;
        }

        @Override
        public ProcessRef self() {
            return cell.refOf(incarnation);
        }

        @Override
        public ChildSpec spec() {
            return cell.spec;
        }

        @Override
        public Map<String, String> metadata() {
            return cell.metadata;
        }

        @Override
        public ProcessHub hub() {
            return cell.sup.hub.get();
        }

        @Override
        public Mode mode() {
            return cell.mode;
        }

        @Override
        public void stop() {
            cell.requestStop(incarnation);
        }

        @Override
        public String toString() {
            return "ProcessContext[" + self() + "]";
        }
    }
}
