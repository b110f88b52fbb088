package org.processhub.runtime.internal.loop;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.processhub.runtime.internal.log.Log;

/**
 * A hub's event loop: one thread runs every task that reads or writes hub state, one at a time.
 *
 * <p>It has the priority gate of the Elixir original (blockade): the loop has a current priority; a task
 * posted with a lower priority waits in a deferred queue until the priority drops back to it, and then
 * runs in posting order. Topology handling raises the priority to {@link #LOCKED} so join/leave events
 * queue behind it; a deadlock timeout restores the priority if nothing lowers it in time.
 */
public final class HubEventLoop {
    public static final int LOCKED = 10;
    public static final int UNLOCKED = 0;

    private record Task(int priority, Runnable body) {}

    private static final Task STOP = new Task(Integer.MAX_VALUE, () -> {});

    private final String name;
    private final Log log;
    private final ScheduledExecutorService timer;
    private final BiConsumer<Integer, Optional<Duration>> priorityListener;
    private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final ArrayDeque<Task> deferred = new ArrayDeque<>();
    private final Thread thread;
    private volatile int priority = UNLOCKED;
    private volatile boolean running = true;
    private long resetGeneration;
    private ScheduledFuture<?> reset;

    /**
     * @param priorityListener told (on the loop thread) about every priority change, with the reset delay
     */
    public HubEventLoop(String name, ScheduledExecutorService timer, Log log,
            BiConsumer<Integer, Optional<Duration>> priorityListener) {
        this.name = name;
        this.log = log;
        this.timer = timer;
        this.priorityListener = priorityListener;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Queues {@code body} to run on the loop; it runs once the loop's priority is ≤ {@code priority}. */
    public void post(int priority, Runnable body) {
        if (running) {
            queue.add(new Task(priority, body));
        }
    }

    /** Posts {@code body} after {@code delay}. */
    public ScheduledFuture<?> schedule(Duration delay, int priority, Runnable body) {
        return timer.schedule(() -> post(priority, body), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** True when called on the loop thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    public int priority() {
        return priority;
    }

    public boolean isLocked() {
        return priority >= LOCKED;
    }

    /**
     * Sets the priority (loop thread only). With {@code resetAfter}, the priority goes back to
     * {@link #UNLOCKED} by itself after that delay unless changed again before (the deadlock timeout).
     */
    public void setPriority(int newPriority, Optional<Duration> resetAfter) {
        assertInLoop();
        resetGeneration++;
        if (reset != null) {
            reset.cancel(false);
            reset = null;
        }
        int old = priority;
        priority = newPriority;
        if (resetAfter.isPresent() && newPriority > UNLOCKED) {
            long gen = resetGeneration;
            reset = timer.schedule(() -> queue.add(new Task(Integer.MAX_VALUE, () -> {
                if (resetGeneration == gen && priority > UNLOCKED) {
                    log.warn(name + ": priority " + priority + " held longer than " + resetAfter.get()
                            + "; restoring it (deadlock timeout)");
                    setPriority(UNLOCKED, Optional.empty());
                }
            })), resetAfter.get().toNanos(), TimeUnit.NANOSECONDS);
        }
        if (old != newPriority) {
            priorityListener.accept(newPriority, resetAfter);
        }
    }

    /** Stops the loop after the tasks already queued; deferred tasks are dropped. Waits up to {@code wait}. */
    public void shutdown(Duration wait) {
        if (!running) return;
        running = false;
        queue.add(STOP);
        if (!inLoop()) {
            try {
                thread.join(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return running;
    }

    private void run() {
        while (true) {
            Task t;
            try {
                t = nextTask();
            } catch (InterruptedException e) {
                return;
            }
            if (t == STOP) {
                deferred.clear();
                return;
            }
            if (t.priority < priority) {
                deferred.add(t);
                continue;
            }
            try {
                t.body.run();
            } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError | OutOfMemoryError e) {
                // the task fails alone; a dead loop thread would leave the hub up but deaf to everything
                log.error(name + ": event failed: " + e, e);
            }
        }
    }

    /** The oldest deferred task the current priority admits, else the next queued one. */
    private Task nextTask() throws InterruptedException {
        if (!deferred.isEmpty()) {
            for (Iterator<Task> it = deferred.iterator(); it.hasNext(); ) {
                Task d = it.next();
                if (d.priority >= priority) {
                    it.remove();
                    return d;
                }
            }
        }
        return queue.take();
    }

    private void assertInLoop() {
        if (!inLoop()) {
            throw new IllegalStateException(name + ": must be called on the event loop thread");
        }
    }
}
