package org.processhub.api;

import java.util.List;

/** Outcome of a stop request: the children stopped (with the nodes they were stopped on) and the errors. */
public record StopResult(List<Stopped> stopped, List<ChildError> errors) {
    public record Stopped(String childId, List<NodeId> nodes) {
        public Stopped {
            nodes = List.copyOf(nodes);
        }
    }

    public StopResult {
        stopped = List.copyOf(stopped);
        errors = List.copyOf(errors);
    }

    public boolean isOk() {
        return errors.isEmpty();
    }

    /** This result if it has no errors; otherwise throws the first error's typed exception. */
    public StopResult orThrow() {
        if (!errors.isEmpty()) {
            throw errors.get(0).toException();
        }
        return this;
    }
}
