package org.processhub.strategy.hotswap;

import org.processhub.api.strategy.StrategyOptions;
import java.time.Duration;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.processhub.api.strategy.MigrationStrategy;

/**
 * Hot-swap migration: when a child moves, its new instance is started before the old one stops, so the
 * child stays reachable during the move; with {@code handover} the old instance's exported state is
 * delivered to the new one ({@code Handover}).
 *
 * <p>Options: {@code retention} (milliseconds ≥ 0, default 5000: the longest time the old instance is
 * kept after the new one started), {@code handover} (default false).
 *
 * <p>A hub selects it with {@code migration.target=(processhub.strategy.name=hotswap)} once a factory
 * configuration exists, e.g. the file {@code org.processhub.strategy.hotswap-default.cfg}.
 */
@Component(service = MigrationStrategy.class, configurationPid = HotSwapStrategy.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "processhub.strategy.type=migration", "processhub.strategy.name=" + HotSwapStrategy.NAME})
@Designate(ocd = HotSwapStrategy.Config.class, factory = true)
public final class HotSwapStrategy implements MigrationStrategy {
    public static final String NAME = "hotswap";
    public static final String PID = "org.processhub.strategy.hotswap";
    public static final long DEFAULT_RETENTION_MS = 5_000;

    @ObjectClassDefinition(name = "ProcessHub hot-swap migration",
            description = "A moving child is started on its new node before it is stopped on the old one, optionally "
                    + "handing its state over. Select it in a hub with migration.target=(processhub.strategy.name=hotswap).")
    public @interface Config {
        @AttributeDefinition(description = "Longest time, in milliseconds, the old instance is kept running for its "
                + "new one (on top of the hub's migration.timeout.ms); it stops as soon as the new node reports the start. "
                + "Raise it for children that are slow to start or hand over large states.", min = "0")
        long retention() default DEFAULT_RETENTION_MS;

        @AttributeDefinition(description = "true: deliver the old instance's exported state to the new one; the "
                + "process must implement Handover. false: the new instance starts fresh.")
        boolean handover() default false;

        @AttributeDefinition(required = false, description = "Optional. Scopes this configuration to one hub: select it "
                + "with migration.target=(&(processhub.strategy.name=hotswap)(hub.id=<this value>)).")
        String hub_id();
    }

    // Why volatile and @Modified: an update is applied to this running instance (no reactivation), so an
    // invalid one can be rejected while the hub keeps using the last good options; readers see one whole.
    private volatile Plan plan; // immutable: holds both options

    @Reference(service = LoggerFactory.class)
    private Logger logger; // null when constructed without DS

    @Activate
    public HotSwapStrategy(Config config) {
        this.plan = planOf(config);
    }

    public HotSwapStrategy(Duration retention, boolean handover) {
        this.plan = planOf(retention, handover);
    }

    public HotSwapStrategy() {
        this(Duration.ofMillis(DEFAULT_RETENTION_MS), false);
    }

    /**
     * A configuration update: applied if valid (the same checks as activation), else logged and ignored, so the
     * last good options stay. Never throws: SCR would then reactivate the component with the bad configuration.
     */
    @Modified
    void modified(Config config, Map<String, Object> properties) {
        try {
            plan = planOf(config);
        } catch (RuntimeException e) {
            if (logger != null) logger.error(StrategyOptions.rejectedMessage(NAME, properties, e));
        }
    }

    private static Plan planOf(Config config) {
        return planOf(Duration.ofMillis(StrategyOptions.read("retention", config::retention)),
                StrategyOptions.read("handover", config::handover));
    }

    private static Plan planOf(Duration retention, boolean handover) {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("option retention: " + retention.toMillis() + " ms must be at least 0");
        }
        return new Plan(true, handover, retention);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> options() {
        Plan p = plan;
        return Map.of("retention", String.valueOf(p.retention().toMillis()), "handover", String.valueOf(p.handover()));
    }

    @Override
    public Plan plan() {
        return plan;
    }
}
