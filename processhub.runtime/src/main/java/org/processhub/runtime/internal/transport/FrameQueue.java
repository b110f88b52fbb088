package org.processhub.runtime.internal.transport;

import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounded FIFO of frames for one destination: many producers ({@code send} callers), one consumer (the
 * writer thread). A ring buffer that grows on demand up to the bound, so queuing allocates nothing per
 * frame (unlike a linked queue); the consumer takes frames in batches under one lock acquisition.
 */
final class FrameQueue {
    enum Offer { OK, FULL, CLOSED }

    private final int max;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private byte[][] ring = new byte[64][];
    private int head;
    private volatile int count; // written under lock; read without it by isEmpty()
    private boolean consumerWaiting;
    private boolean closed;   // no more offers; take() returns 0 at once
    private volatile boolean draining; // no more offers; take() returns what is left, then 0

    FrameQueue(int max) {
        this.max = max;
    }

    Offer offer(byte[] frame) {
        lock.lock();
        try {
            if (closed || draining) return Offer.CLOSED;
            int n = count;
            if (n >= max) return Offer.FULL;
            if (n == ring.length) grow();
            ring[(head + n) & (ring.length - 1)] = frame;
            count = n + 1;
            if (consumerWaiting) notEmpty.signal();
            return Offer.OK;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Consumer: waits for frames and moves up to {@code batch.length} of them into {@code batch}.
     *
     * @return how many were taken; 0 once the queue is closed, or draining and empty
     */
    int take(byte[][] batch) {
        lock.lock();
        try {
            while (count == 0) {
                if (closed || draining) return 0;
                consumerWaiting = true;
                try {
                    notEmpty.await();
                } catch (InterruptedException e) {
                    // stop() interrupts us after closing; the loop re-checks
                } finally {
                    consumerWaiting = false;
                }
            }
            if (closed) return 0;
            int n = Math.min(count, batch.length);
            int mask = ring.length - 1;
            for (int i = 0; i < n; i++) {
                int slot = (head + i) & mask;
                batch[i] = ring[slot];
                ring[slot] = null;
            }
            head = (head + n) & mask;
            count = count - n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** True if no frame is waiting (a hint: producers may add one right after). */
    boolean isEmpty() {
        return count == 0;
    }

    /** True once {@link #drain()} was called. */
    boolean isDraining() {
        return draining;
    }

    /** Drops every queued frame; returns how many. */
    int clear() {
        lock.lock();
        try {
            int n = count;
            Arrays.fill(ring, null);
            head = 0;
            count = 0;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further offers and wakes the consumer; queued frames are dropped. Returns how many. */
    int close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            return clear();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further offers; the consumer still gets what is queued, then 0. */
    void drain() {
        lock.lock();
        try {
            draining = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void grow() {
        byte[][] bigger = new byte[ring.length * 2][];
        int n = count;
        int mask = ring.length - 1;
        for (int i = 0; i < n; i++) bigger[i] = ring[(head + i) & mask];
        ring = bigger;
        head = 0;
    }
}
