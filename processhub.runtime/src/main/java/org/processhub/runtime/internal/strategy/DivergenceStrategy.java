package org.processhub.runtime.internal.strategy;

import org.osgi.service.component.annotations.Component;
import org.processhub.api.strategy.MembershipView;
import org.processhub.api.strategy.PartitionToleranceStrategy;

/**
 * Default partition tolerance: every side of a split keeps running its children; when the network heals
 * the sides merge and duplicates go back to their ring owner.
 */
@Component(service = PartitionToleranceStrategy.class, property = {
        "processhub.strategy.type=partitionTolerance", "processhub.strategy.name=" + DivergenceStrategy.NAME})
public final class DivergenceStrategy implements PartitionToleranceStrategy {
    public static final String NAME = "divergence";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean hasQuorum(MembershipView view) {
        return true;
    }
}
