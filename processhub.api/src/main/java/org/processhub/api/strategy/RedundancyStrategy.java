package org.processhub.api.strategy;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;
import org.processhub.api.NodeId;

/** How many instances (replicas) of each child run, and which one is active. */
@ConsumerType
public interface RedundancyStrategy extends Strategy {
    /** Replicas per child for a cluster of {@code clusterSize} members (capped at that size by the runtime). */
    int replicationFactor(int clusterSize);

    /**
     * The active replica among {@code replicas} (the child's owners, primary first), or empty when every
     * replica is active. Must be deterministic: every node picks the same one.
     */
    Optional<NodeId> activeReplica(String childId, List<NodeId> replicas);

    /** Which mode changes the processes are told about ({@code HubProcess.modeChanged}). */
    default Signal signal() {
        return Signal.NONE;
    }

    enum Signal {
        NONE, ACTIVE, PASSIVE, ALL;

        public boolean delivers(org.processhub.api.Mode mode) {
            return this == ALL || (this == ACTIVE && mode == org.processhub.api.Mode.ACTIVE)
                    || (this == PASSIVE && mode == org.processhub.api.Mode.PASSIVE);
        }
    }
}
