package org.processhub.api.hook;

import java.util.Optional;
import org.processhub.api.ChildError;
import org.processhub.api.ProcessRef;

/** One element of {@link Hook#POST_CHILDREN_START}: the started instance or the error. */
public record ChildStartOutcome(String childId, Optional<ProcessRef> ref, Optional<ChildError> error) {
}
