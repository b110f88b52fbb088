package org.processhub.api.hook;

import java.time.Duration;
import java.util.Optional;

/** Payload of {@link Hook#PRIORITY_STATE_UPDATED}: the new priority and when it resets by itself. */
public record PriorityState(int priority, Optional<Duration> resetAfter) {
    /** The priority at and above which a hub counts as locked. */
    public static final int LOCKED = 10;
    public static final int UNLOCKED = 0;

    public boolean locked() {
        return priority >= LOCKED;
    }
}
