package org.processhub.api;

import java.util.Objects;

/**
 * One running instance of a child: the hub, the node it runs on, its child id, and its incarnation,
 * a number the node increases at every (re)start so a newer instance is told apart from an older one.
 */
public record ProcessRef(String hubId, NodeId node, String childId, long incarnation) {
    public ProcessRef {
        Objects.requireNonNull(hubId, "hubId");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(childId, "childId");
    }

    @Override
    public String toString() {
        return hubId + "/" + childId + "@" + node + "#" + incarnation;
    }
}
