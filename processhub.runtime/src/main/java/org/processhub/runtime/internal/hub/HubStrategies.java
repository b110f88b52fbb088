package org.processhub.runtime.internal.hub;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.processhub.api.strategy.DistributionStrategy;
import org.processhub.api.strategy.MigrationStrategy;
import org.processhub.api.strategy.PartitionToleranceStrategy;
import org.processhub.api.strategy.RedundancyStrategy;
import org.processhub.api.strategy.Strategy;
import org.processhub.api.strategy.StrategyType;
import org.processhub.api.strategy.SynchronizationStrategy;

/** The five strategies a hub runs with; replaced as a whole when the selection or an option changes. */
public record HubStrategies(DistributionStrategy distribution, RedundancyStrategy redundancy,
        MigrationStrategy migration, SynchronizationStrategy synchronization,
        PartitionToleranceStrategy partitionTolerance) {

    public HubStrategies {
        Objects.requireNonNull(distribution, "distribution");
        Objects.requireNonNull(redundancy, "redundancy");
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(synchronization, "synchronization");
        Objects.requireNonNull(partitionTolerance, "partitionTolerance");
    }

    public Strategy get(StrategyType type) {
        return switch (type) {
            case DISTRIBUTION -> distribution;
            case REDUNDANCY -> redundancy;
            case MIGRATION -> migration;
            case SYNCHRONIZATION -> synchronization;
            case PARTITION_TOLERANCE -> partitionTolerance;
        };
    }

    /** type → {@code name} or {@code name(k=v,...)}: compared between members, shown by hub:status. */
    public Map<String, String> digest() {
        Map<String, String> d = new LinkedHashMap<>();
        for (StrategyType t : StrategyType.values()) {
            Strategy s = get(t);
            d.put(t.property(), describe(s));
        }
        return d;
    }

    static String describe(Strategy s) {
        Map<String, String> o = s.options();
        if (o.isEmpty()) return s.name();
        StringBuilder b = new StringBuilder(s.name()).append('(');
        o.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.append(e.getKey()).append('=').append(e.getValue()).append(','));
        b.setLength(b.length() - 1);
        return b.append(')').toString();
    }
}
