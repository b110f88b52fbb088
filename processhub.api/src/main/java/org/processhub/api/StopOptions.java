package org.processhub.api;

import java.time.Duration;
import java.util.Objects;

/** Options of {@link ProcessHub#stopChildren(java.util.List, StopOptions)}. */
public record StopOptions(Duration timeout) {
    public static final StopOptions DEFAULTS = new StopOptions(StartOptions.DEFAULT_TIMEOUT);

    public StopOptions {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
    }
}
