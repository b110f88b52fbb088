package org.processhub.api.strategy;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides whether this side of the cluster may run children. The runtime asks after every membership
 * change: when a node leaves and the answer is false, the hub is partitioned (local children stop,
 * registry rows stay, starts and stops are refused); when a node joins and the answer is true again,
 * the children are restarted.
 */
@ConsumerType
public interface PartitionToleranceStrategy extends Strategy {
    boolean hasQuorum(MembershipView view);
}
