package org.processhub.runtime.internal.transport;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one warning per remote address per window, so a misbehaving or hostile client that reconnects
 * in a loop cannot flood the log. Thread-safe.
 */
final class WarnLimiter {
    private static final int MAX_TRACKED = 4096;

    private final long windowNanos;
    private final ConcurrentHashMap<InetAddress, long[]> lastWarn = new ConcurrentHashMap<>(); // {time, suppressed}

    WarnLimiter(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /**
     * @return -1 if a warning for {@code address} must be suppressed now, else how many were suppressed
     *         since the last one that was allowed
     */
    int permit(InetAddress address) {
        long now = System.nanoTime();
        if (lastWarn.size() > MAX_TRACKED) lastWarn.values().removeIf(e -> now - e[0] > windowNanos);
        int[] result = {-1};
        lastWarn.compute(address, (a, e) -> {
            if (e == null) {
                result[0] = 0;
                return new long[] {now, 0};
            }
            if (now - e[0] >= windowNanos) {
                result[0] = (int) e[1];
                e[0] = now;
                e[1] = 0;
            } else {
                e[1]++;
            }
            return e;
        });
        return result[0];
    }
}
