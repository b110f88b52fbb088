package org.processhub.api.hook;

import java.util.List;
import org.processhub.api.NodeId;

/** Payload of {@link Hook#CHILD_MIGRATED}: children this node handed to {@code target}. */
public record ChildrenMigrated(NodeId target, List<String> childIds, boolean stateHandedOver) {
    public ChildrenMigrated {
        childIds = List.copyOf(childIds);
    }
}
