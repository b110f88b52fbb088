package org.processhub.api;

import java.util.Objects;

/**
 * A per-child failure inside a {@link StartResult} or {@link StopResult}.
 *
 * @param node the node that reported it (the target node for timeouts)
 */
public record ChildError(String childId, NodeId node, ErrorCode code, String message) {
    public ChildError {
        Objects.requireNonNull(childId, "childId");
        Objects.requireNonNull(code, "code");
        message = Objects.requireNonNullElse(message, code.name());
    }

    /** The typed exception for this error. */
    public ProcessHubException toException() {
        return ProcessHubException.of(code, childId + " on " + node + ": " + message);
    }

    @Override
    public String toString() {
        return childId + " on " + node + ": " + code + " (" + message + ")";
    }
}
