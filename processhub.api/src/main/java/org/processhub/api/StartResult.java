package org.processhub.api;

import java.util.List;
import java.util.Optional;

/**
 * Outcome of a start request: the children that run (with every instance) and the per-child errors.
 *
 * @param rolledBack true if {@link OnFailure#ROLLBACK} stopped the children that had started
 */
public record StartResult(List<Started> started, List<ChildError> errors, boolean rolledBack) {
    /** A child that runs, with its instances (one per replica). */
    public record Started(String childId, List<ProcessRef> refs) {
        public Started {
            refs = List.copyOf(refs);
        }
    }

    public StartResult {
        started = List.copyOf(started);
        errors = List.copyOf(errors);
    }

    public boolean isOk() {
        return errors.isEmpty();
    }

    public Optional<Started> find(String childId) {
        return started.stream().filter(s -> s.childId().equals(childId)).findFirst();
    }

    /** This result if it has no errors; otherwise throws the first error's typed exception. */
    public StartResult orThrow() {
        if (!errors.isEmpty()) {
            throw errors.get(0).toException();
        }
        return this;
    }
}
