package org.processhub.api.strategy;

/** The five kinds of strategy; {@link #property()} is the value of {@code processhub.strategy.type}. */
public enum StrategyType {
    DISTRIBUTION("distribution", DistributionStrategy.class),
    REDUNDANCY("redundancy", RedundancyStrategy.class),
    MIGRATION("migration", MigrationStrategy.class),
    SYNCHRONIZATION("synchronization", SynchronizationStrategy.class),
    PARTITION_TOLERANCE("partitionTolerance", PartitionToleranceStrategy.class);

    private final String property;
    private final Class<? extends Strategy> service;

    StrategyType(String property, Class<? extends Strategy> service) {
        this.property = property;
        this.service = service;
    }

    /** Service property value; also the hub configuration's reference name ({@code <property>.target}). */
    public String property() {
        return property;
    }

    public Class<? extends Strategy> service() {
        return service;
    }
}
