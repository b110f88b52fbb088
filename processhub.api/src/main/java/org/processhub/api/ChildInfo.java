package org.processhub.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A registry row: the child's spec, where its instances run, which of them is active (with replication in
 * active/passive mode; otherwise every instance is active), and its metadata.
 *
 * @param refs instances ordered by node name
 * @param active the active instance's node, empty when every instance is active
 */
public record ChildInfo(ChildSpec spec, List<ProcessRef> refs, Optional<NodeId> active, Map<String, String> metadata) {
    public ChildInfo {
        refs = List.copyOf(refs);
        metadata = Map.copyOf(metadata);
    }

    public String childId() {
        return spec.id();
    }

    /** Nodes running an instance, ordered by name. */
    public List<NodeId> nodes() {
        return refs.stream().map(ProcessRef::node).toList();
    }
}
