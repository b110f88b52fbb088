package org.processhub.runtime.internal.supervisor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * An actor mailbox: a lock-free, bounded, multi-producer single-consumer queue plus the protocol that runs
 * at most one drain task ("turn") at a time on a shared {@link Executor}.
 *
 * <p>It is the superclass of {@link ProcessCell} rather than a separate object so an idle child costs one
 * object plus the queue's stub node: the queue is Vyukov's linked MPSC queue (empty = one stub node), and
 * the scheduled flag, lifecycle flags and queued-message count share one {@code int} updated by CAS.
 *
 * <p>Threads: {@link #offer}, {@link #schedule}, {@link #queued} and the flag methods are safe from any
 * thread; {@link #poll} and {@link #hasQueued} only from the turn (the single consumer). A turn ends with
 * a release that re-checks for work, so a message linked while the turn was finishing is never stranded.
 */
abstract class Mailbox {
    /** A turn is submitted to the executor or running; whoever sets it must submit one. */
    static final int SCHEDULED = 1;
    /** {@code ProcessContext.stop()} was called: exit normally after the current message. */
    static final int STOP_REQUESTED = 2;
    /** The instance ended and must be replaced before more messages are handled. */
    static final int RESTARTING = 4;
    /** Stopped or removed for good: offers are refused, queued messages are failed or dropped. */
    static final int DEAD = 8;
    /** Handing over to another node: messages wait, none is handled, until the hand-off or a resume. */
    static final int SUSPENDED = 16;
    /** The hand-off is done: end the instance and pass the waiting messages on instead of failing them. */
    static final int TRANSFER = 32;

    private static final int COUNT_SHIFT = 6;
    private static final int COUNT_ONE = 1 << COUNT_SHIFT;
    /** Largest mailbox capacity; leaves head-room in the count bits for unbounded supervisor signals. */
    static final int MAX_CAPACITY = 1 << 24;
    /** Capacity for supervisor signals (stop, export, mode change), which must not be refused as "full". */
    static final int UNBOUNDED = Integer.MAX_VALUE;

    /** Results of {@link #offer}. */
    static final int OFFERED = 0;
    static final int FULL = 1;
    static final int CLOSED = 2;

    private static final VarHandle STATE;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Mailbox.class, "state", int.class);
            TAIL = l.findVarHandle(Mailbox.class, "tail", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A queued message: a call when {@code reply} is set, a cast otherwise, or a supervisor signal. */
    static final class Node {
        volatile Node next;
        Object message;
        CompletableFuture<Object> reply;

        Node(Object message, CompletableFuture<Object> reply) {
            this.message = message;
            this.reply = reply;
        }
    }

    /** Consumer side: the stub; {@code head.next} is the oldest message. Only the turn writes it. */
    private Node head;
    /** Producer side: the newest node (the stub when empty). */
    @SuppressWarnings("unused") // via TAIL
    private volatile Node tail;
    /** Flags in the low bits, queued-message count above {@link #COUNT_SHIFT}. */
    private volatile int state;

    /** Creates the mailbox with {@code first} already queued, so it is handled before anything offered later. */
    Mailbox(Object first) {
        Node stub = new Node(null, null);
        Node node = new Node(first, null);
        stub.next = node;
        head = stub;
        tail = node;
        state = COUNT_ONE;
    }

    /** The executor that runs turns. */
    abstract Executor executor();

    /**
     * Runs one turn on the executor: handles messages until the mailbox is empty or a budget is used.
     *
     * @return true if it stopped with work left and wants to be re-submitted (yield to other mailboxes)
     */
    abstract boolean turn();

    /** The executor refused a turn (it is shutting down); the flag is already cleared. */
    abstract void rejected(RejectedExecutionException e);

    /** A turn threw: a bug in the supervisor, not in user code (that is caught where it is called). */
    abstract void turnFailed(Throwable t);

    /**
     * Queues a message and schedules a turn. Any thread.
     *
     * @param capacity the most queued messages allowed, or {@link #UNBOUNDED}
     * @return {@link #OFFERED}, {@link #FULL} or {@link #CLOSED} (the mailbox is {@link #DEAD})
     */
    final int offer(Object message, CompletableFuture<Object> reply, int capacity) {
        Node node = new Node(message, reply);
        int s;
        do { // reserve a slot first, so the bound holds however many producers race
            s = state;
            if ((s & DEAD) != 0) {
                return CLOSED;
            }
            if ((s >>> COUNT_SHIFT) >= capacity) {
                return FULL;
            }
        } while (!STATE.compareAndSet(this, s, s + COUNT_ONE));
        Node prev = (Node) TAIL.getAndSet(this, node);
        prev.next = node; // until this write, the consumer sees the queue end at prev; we schedule after it
        schedule();
        return OFFERED;
    }

    /**
     * Removes the oldest message. Turn only. The returned node becomes the new stub: the caller must take
     * its fields and clear them so the idle mailbox retains nothing.
     */
    final Node poll() {
        Node next = head.next;
        if (next == null) {
            return null;
        }
        head = next;
        STATE.getAndAdd(this, -COUNT_ONE);
        return next;
    }

    /** True if a linked message is waiting. Turn only. */
    final boolean hasQueued() {
        return head.next != null;
    }

    /** Messages queued (reserved by producers, possibly not yet linked). Any thread. */
    final int queued() {
        return state >>> COUNT_SHIFT;
    }

    final int state() {
        return state;
    }

    final void setFlags(int flags) {
        int s;
        do {
            s = state;
        } while (!STATE.compareAndSet(this, s, s | flags));
    }

    final void clearFlags(int flags) {
        int s;
        do {
            s = state;
        } while (!STATE.compareAndSet(this, s, s & ~flags));
    }

    /** Sets {@code flags} unless the mailbox is dead. Any thread. */
    final boolean setFlagsUnlessDead(int flags) {
        int s;
        do {
            s = state;
            if ((s & DEAD) != 0) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, s | flags));
        return true;
    }

    /**
     * Ensures a turn is submitted. Any thread.
     *
     * @return false if the executor refused the turn
     */
    final boolean schedule() {
        int s;
        do {
            s = state;
            if ((s & SCHEDULED) != 0) {
                return true;
            }
        } while (!STATE.compareAndSet(this, s, s | SCHEDULED));
        return submit();
    }

    private boolean submit() {
        try {
            executor().execute(this::runTurn);
            return true;
        } catch (RejectedExecutionException e) {
            clearFlags(SCHEDULED);
            rejected(e);
            return false;
        }
    }

    private void runTurn() {
        boolean more = false;
        try {
            more = turn();
        } catch (Throwable t) {
            turnFailed(t);
        }
        if (more) {
            submit(); // keep SCHEDULED: we yield, we do not give up the mailbox
            return;
        }
        clearFlags(SCHEDULED);
        // A producer that linked its node after our last poll saw SCHEDULED still set and left the work to us.
        if (hasQueued() || (state & (STOP_REQUESTED | RESTARTING)) != 0) {
            schedule();
        }
    }
}
