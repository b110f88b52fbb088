package org.processhub.api.strategy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.osgi.annotation.versioning.ConsumerType;
import org.processhub.api.NodeId;

/**
 * How registry changes reach the other members. A change travels with the set of nodes that already
 * have it; each node that receives it applies it and asks {@link #nextHops} where to send it next.
 */
@ConsumerType
public interface SynchronizationStrategy extends Strategy {
    /**
     * Period of the anti-entropy sync, in which each node tells the members it syncs with a digest of what it
     * really runs (and sends its full list to those whose replica disagrees).
     */
    Duration syncInterval();

    /**
     * The nodes to send a change to next.
     *
     * @param self this node
     * @param members every member, sorted, {@code self} included
     * @param reached nodes that already have the change ({@code self} included)
     * @return a subset of {@code members} minus {@code reached}
     */
    Set<NodeId> nextHops(NodeId self, List<NodeId> members, Set<NodeId> reached, RandomGenerator random);
}
