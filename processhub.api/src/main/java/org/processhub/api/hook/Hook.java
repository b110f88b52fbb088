package org.processhub.api.hook;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.processhub.api.ChildSpec;
import org.processhub.api.NodeId;

/**
 * A hook point with its payload type. The constants are every hook a hub fires; {@link #name()} is the
 * value of the whiteboard property {@code processhub.hook} and the last segment of the EventAdmin topic.
 */
public final class Hook<T> {
    /** A node joined the hub's cluster. */
    public static final Hook<NodeId> CLUSTER_JOIN = new Hook<>("cluster_join", NodeId.class);
    /** A node left the hub's cluster (stopped, crashed or unreachable). */
    public static final Hook<NodeId> CLUSTER_LEAVE = new Hook<>("cluster_leave", NodeId.class);
    /** Instances were added to (or replaced in) a registry row: only the changed ones. */
    public static final Hook<RegistryChange> REGISTRY_PID_INSERTED = new Hook<>("registry_pid_inserted", RegistryChange.class);
    /** Instances were removed from a registry row; the row is gone when no instance is left. */
    public static final Hook<RegistryRemoval> REGISTRY_PID_REMOVED = new Hook<>("registry_pid_removed", RegistryRemoval.class);
    /** This node moved children to another node (fired on the node they left). */
    public static final Hook<ChildrenMigrated> CHILD_MIGRATED = new Hook<>("child_migrated", ChildrenMigrated.class);
    /** The event queue's priority changed (locked at ≥ 10). */
    public static final Hook<PriorityState> PRIORITY_STATE_UPDATED = new Hook<>("priority_state_updated", PriorityState.class);
    /** A redistribution after a join or leave is about to run on this node. */
    public static final Hook<Redistribution> PRE_NODES_REDISTRIBUTION = new Hook<>("pre_nodes_redistribution", Redistribution.class);
    /** A redistribution after a join or leave finished on this node. */
    public static final Hook<Redistribution> POST_NODES_REDISTRIBUTION = new Hook<>("post_nodes_redistribution", Redistribution.class);
    /** This node is about to start these children. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final Hook<List<ChildSpec>> PRE_CHILDREN_START = new Hook<>("pre_children_start", (Class) List.class);
    /** This node tried to start children: one outcome each. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final Hook<List<ChildStartOutcome>> POST_CHILDREN_START = new Hook<>("post_children_start", (Class) List.class);
    /** A start request reached a node that no longer owns some children; they were forwarded. */
    public static final Hook<ChildrenForwarded> CHILDREN_FORWARDED = new Hook<>("children_forwarded", ChildrenForwarded.class);
    /** A member reported strategies different from this node's (see the runtime's status). */
    public static final Hook<StrategyMismatch> STRATEGY_MISMATCH = new Hook<>("strategy_mismatch", StrategyMismatch.class);
    /** The hub's partition state changed. */
    public static final Hook<Boolean> PARTITION_CHANGED = new Hook<>("partition_changed", Boolean.class);

    private static final Map<String, Hook<?>> BY_NAME = Map.ofEntries(entry(CLUSTER_JOIN), entry(CLUSTER_LEAVE),
            entry(REGISTRY_PID_INSERTED), entry(REGISTRY_PID_REMOVED), entry(CHILD_MIGRATED),
            entry(PRIORITY_STATE_UPDATED), entry(PRE_NODES_REDISTRIBUTION), entry(POST_NODES_REDISTRIBUTION),
            entry(PRE_CHILDREN_START), entry(POST_CHILDREN_START), entry(CHILDREN_FORWARDED),
            entry(STRATEGY_MISMATCH), entry(PARTITION_CHANGED));

    private final String name;
    private final Class<T> payloadType;
    private final String topic;

    private Hook(String name, Class<T> payloadType) {
        this.name = name;
        this.payloadType = payloadType;
        this.topic = "org/processhub/hook/" + name.toUpperCase(java.util.Locale.ROOT);
    }

    public String name() {
        return name;
    }

    public Class<T> payloadType() {
        return payloadType;
    }

    /** The EventAdmin topic this hook is posted on. */
    public String topic() {
        return topic;
    }

    /** The hook with that name. */
    public static Optional<Hook<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Every hook. */
    public static java.util.Collection<Hook<?>> all() {
        return BY_NAME.values();
    }

    @Override
    public String toString() {
        return name;
    }

    private static Map.Entry<String, Hook<?>> entry(Hook<?> h) {
        return Map.entry(h.name, h);
    }
}
