package org.processhub.api.strategy;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.processhub.api.NodeId;

/** Decides which nodes own a child id. Every node must compute the same answer for the same members. */
@ConsumerType
public interface DistributionStrategy extends Strategy {
    /**
     * The placement for a membership; called once per membership change, its result is kept and queried
     * for every child, so it should precompute (e.g. build a hash ring).
     *
     * @param members the hub's members, sorted by name, never empty
     */
    Placement placement(List<NodeId> members);

    /** An immutable placement function over a fixed membership. */
    interface Placement {
        /**
         * The first {@code count} distinct owners of {@code childId}, primary first; all members if there
         * are fewer. Must be fast (called on hot paths) and thread-safe.
         */
        List<NodeId> owners(String childId, int count);
    }
}
