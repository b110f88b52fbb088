package org.processhub.api.hook;

import java.util.List;
import java.util.Map;
import org.processhub.api.NodeId;

/** Payload of {@link Hook#CHILDREN_FORWARDED}: child ids sent on, per node that now owns them. */
public record ChildrenForwarded(Map<NodeId, List<String>> forwards) {
    public ChildrenForwarded {
        forwards = Map.copyOf(forwards);
    }
}
