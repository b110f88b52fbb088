package org.processhub.api.strategy;

import java.time.Instant;
import java.util.List;
import org.processhub.api.NodeId;

/**
 * What the runtime knows about the hub's membership, handed to {@link PartitionToleranceStrategy}.
 *
 * @param self this node
 * @param members current members, {@code self} included, sorted
 * @param departures nodes that left and have not come back, most recent last, with when they left
 * @param maxSeen the largest member count seen since the hub started (or since it was reset)
 * @param now the current time
 * @param startup true for the check made when the hub starts
 */
public record MembershipView(NodeId self, List<NodeId> members, List<Departure> departures, int maxSeen,
        Instant now, boolean startup) {
    public record Departure(NodeId node, Instant at) {}

    public MembershipView {
        members = List.copyOf(members);
        departures = List.copyOf(departures);
    }

    public int size() {
        return members.size();
    }
}
