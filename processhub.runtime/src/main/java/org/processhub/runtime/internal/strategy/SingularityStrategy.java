package org.processhub.runtime.internal.strategy;

import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;
import org.processhub.api.NodeId;
import org.processhub.api.strategy.RedundancyStrategy;

/** Default redundancy: one instance per child, on its ring owner. */
@Component(service = RedundancyStrategy.class, property = {
        "processhub.strategy.type=redundancy", "processhub.strategy.name=" + SingularityStrategy.NAME})
public final class SingularityStrategy implements RedundancyStrategy {
    public static final String NAME = "singularity";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int replicationFactor(int clusterSize) {
        return 1;
    }

    @Override
    public Optional<NodeId> activeReplica(String childId, List<NodeId> replicas) {
        return Optional.empty();
    }
}
