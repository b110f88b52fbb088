package org.processhub.api;

import java.util.Objects;

/**
 * The name of a cluster node, unique within a cluster (by default {@code <address>:<discovery port>}).
 * Ordering is by name, which makes every node's view of a member list the same.
 */
public record NodeId(String name) implements Comparable<NodeId> {
    public NodeId {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.length() > 255) {
            throw new IllegalArgumentException("node name must be 1..255 non-blank characters: '" + name + "'");
        }
    }

    public static NodeId of(String name) {
        return new NodeId(name);
    }

    @Override
    public int compareTo(NodeId o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
