package org.processhub.runtime.internal.log;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps hostile or broken peers from flooding the log: a message kind (a key such as the peer address or
 * the first words of a warning) may be logged once per interval, and at most {@code maxPerInterval}
 * lines of any kind pass per interval. What is held back is counted and reported with the next line.
 * Thread-safe; cheap when nothing is logged.
 */
public final class RateLimiter {
    private final long intervalNanos;
    private final int maxPerInterval;
    private final Map<String, Long> lastByKey = new ConcurrentHashMap<>();
    private long windowStart = System.nanoTime();
    private int inWindow;
    private int suppressed;

    public RateLimiter(long intervalMillis, int maxPerInterval) {
        this.intervalNanos = intervalMillis * 1_000_000;
        this.maxPerInterval = maxPerInterval;
    }

    /**
     * Whether a line of this kind may be logged now.
     *
     * @return -1 if not; otherwise how many lines were held back since the last one that passed
     */
    public synchronized int allow(String key) {
        long now = System.nanoTime();
        if (now - windowStart > intervalNanos) {
            windowStart = now;
            inWindow = 0;
            if (lastByKey.size() > 10_000) lastByKey.clear(); // many distinct keys: an attack; forget them
        }
        Long last = lastByKey.get(key);
        if ((last != null && now - last < intervalNanos) || inWindow >= maxPerInterval) {
            suppressed++;
            return -1;
        }
        lastByKey.put(key, now);
        inWindow++;
        int held = suppressed;
        suppressed = 0;
        return held;
    }

    /** The text to add to a line that passed after {@code held} others were held back. */
    public static String note(int held) {
        return held > 0 ? " (" + held + " similar line(s) held back)" : "";
    }
}
