package org.processhub.api.hook;

import java.util.List;
import org.processhub.api.NodeId;

/** Payload of {@link Hook#REGISTRY_PID_REMOVED}: the nodes whose instance left a child's row. */
public record RegistryRemoval(String childId, List<NodeId> nodes) {
    public RegistryRemoval {
        nodes = List.copyOf(nodes);
    }
}
