package org.processhub.runtime.internal.strategy;

import org.osgi.service.component.annotations.Component;
import org.processhub.api.strategy.MigrationStrategy;

/** Default migration: stop the child on the old node, then start it on the new one; state is not kept. */
@Component(service = MigrationStrategy.class, property = {
        "processhub.strategy.type=migration", "processhub.strategy.name=" + ColdSwapStrategy.NAME})
public final class ColdSwapStrategy implements MigrationStrategy {
    public static final String NAME = "coldswap";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Plan plan() {
        return Plan.COLD;
    }
}
