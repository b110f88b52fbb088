package org.processhub.api;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Options of {@link ProcessHub#startChildren(java.util.List, StartOptions)}.
 *
 * @param timeout how long to wait for every target node's answer; children not confirmed by then are
 *        reported with {@link ErrorCode#TIMEOUT}
 * @param checkExisting refuse the whole request with {@link AlreadyStartedException} if any child id is
 *        already in the registry
 * @param onFailure keep or roll back the children that did start when some failed
 * @param metadata stored in the registry row of every child of the request
 */
public record StartOptions(Duration timeout, boolean checkExisting, OnFailure onFailure, Map<String, String> metadata) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final StartOptions DEFAULTS = new StartOptions(DEFAULT_TIMEOUT, true, OnFailure.CONTINUE, Map.of());

    public StartOptions {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        onFailure = Objects.requireNonNullElse(onFailure, OnFailure.CONTINUE);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public StartOptions withTimeout(Duration t) {
        return new StartOptions(t, checkExisting, onFailure, metadata);
    }

    public StartOptions withCheckExisting(boolean check) {
        return new StartOptions(timeout, check, onFailure, metadata);
    }

    public StartOptions withOnFailure(OnFailure f) {
        return new StartOptions(timeout, checkExisting, f, metadata);
    }

    public StartOptions withMetadata(Map<String, String> m) {
        return new StartOptions(timeout, checkExisting, onFailure, m);
    }
}
