package org.processhub.strategy.gossip;

import org.processhub.api.strategy.StrategyOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
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
import org.processhub.api.NodeId;
import org.processhub.api.strategy.SynchronizationStrategy;

/**
 * Gossip synchronization: a registry change goes to {@code recipients} random members that do not have it
 * yet, and each of them passes it on the same way until every member has it. A node sends a few messages
 * per change instead of one to every member, which suits large clusters; a change takes a few hops longer.
 *
 * <p>Options: {@code sync.interval} (milliseconds ≥ 100, default 15000, between anti-entropy syncs),
 * {@code recipients} (≥ 1, default 3, nodes each hop sends to), {@code restricted.init} (default true: only
 * the alphabetically first member starts the periodic sync; false: every member does).
 *
 * <p>A hub selects it with {@code synchronization.target=(processhub.strategy.name=gossip)} once a factory
 * configuration exists, e.g. the file {@code org.processhub.strategy.gossip-default.cfg}.
 */
@Component(service = SynchronizationStrategy.class, configurationPid = GossipStrategy.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "processhub.strategy.type=synchronization", "processhub.strategy.name=" + GossipStrategy.NAME})
@Designate(ocd = GossipStrategy.Config.class, factory = true)
public final class GossipStrategy implements SynchronizationStrategy {
    public static final String NAME = "gossip";
    public static final String PID = "org.processhub.strategy.gossip";
    public static final long DEFAULT_SYNC_INTERVAL_MS = 15_000;
    public static final int DEFAULT_RECIPIENTS = 3;

    @ObjectClassDefinition(name = "ProcessHub gossip synchronization",
            description = "Registry changes travel from node to node through a few random recipients instead of to every "
                    + "member at once. Select it in a hub with synchronization.target=(processhub.strategy.name=gossip).")
    public @interface Config {
        @AttributeDefinition(description = "Milliseconds between anti-entropy syncs, which repair registry rows that "
                + "missed a change. Lower repairs faster, costs more traffic.", min = "100")
        long sync_interval() default DEFAULT_SYNC_INTERVAL_MS;

        @AttributeDefinition(description = "Members each node forwards a change to. More spreads a change in fewer "
                + "hops at the cost of more duplicate messages.", min = "1")
        int recipients() default DEFAULT_RECIPIENTS;

        @AttributeDefinition(description = "true: only the alphabetically first member starts the periodic sync (less "
                + "traffic). false: every member starts one (faster repair, more traffic).")
        boolean restricted_init() default true;

        @AttributeDefinition(required = false, description = "Optional. Scopes this configuration to one hub: select it "
                + "with synchronization.target=(&(processhub.strategy.name=gossip)(hub.id=<this value>)).")
        String hub_id();
    }

    /** The options, validated. */
    private record Settings(Duration syncInterval, int recipients, boolean restrictedInit) {
        Settings {
            if (syncInterval.toMillis() < 100) {
                throw new IllegalArgumentException("option sync.interval: " + syncInterval.toMillis() + " ms must be at least 100");
            }
            if (recipients < 1) {
                throw new IllegalArgumentException("option recipients: " + recipients + " must be at least 1");
            }
        }
    }

    // Why volatile and @Modified: an update is applied to this running instance (no reactivation), so an
    // invalid one can be rejected while the hub keeps using the last good options; readers see one whole.
    private volatile Settings settings;

    @Reference(service = LoggerFactory.class)
    private Logger logger; // null when constructed without DS

    @Activate
    public GossipStrategy(Config config) {
        this.settings = settings(config);
    }

    public GossipStrategy(Duration syncInterval, int recipients, boolean restrictedInit) {
        this.settings = new Settings(syncInterval, recipients, restrictedInit);
    }

    public GossipStrategy() {
        this(Duration.ofMillis(DEFAULT_SYNC_INTERVAL_MS), DEFAULT_RECIPIENTS, true);
    }

    /**
     * A configuration update: applied if valid (the same checks as activation), else logged and ignored, so the
     * last good options stay. Never throws: SCR would then reactivate the component with the bad configuration.
     */
    @Modified
    void modified(Config config, Map<String, Object> properties) {
        try {
            settings = settings(config);
        } catch (RuntimeException e) {
            if (logger != null) logger.error(StrategyOptions.rejectedMessage(NAME, properties, e));
        }
    }

    private static Settings settings(Config config) {
        return new Settings(Duration.ofMillis(StrategyOptions.read("sync.interval", config::sync_interval)),
                StrategyOptions.read("recipients", config::recipients),
                StrategyOptions.read("restricted.init", config::restricted_init));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> options() {
        Settings s = settings;
        return Map.of("sync.interval", String.valueOf(s.syncInterval().toMillis()),
                "recipients", String.valueOf(s.recipients()),
                "restricted.init", String.valueOf(s.restrictedInit()));
    }

    @Override
    public Duration syncInterval() {
        return settings.syncInterval();
    }

    public int recipients() {
        return settings.recipients();
    }

    /** Whether only the first member (by name) starts the periodic sync; read by the runtime. */
    public boolean restrictedInit() {
        return settings.restrictedInit();
    }

    @Override
    public Set<NodeId> nextHops(NodeId self, List<NodeId> members, Set<NodeId> reached, RandomGenerator random) {
        Set<NodeId> unreached = new LinkedHashSet<>(members);
        unreached.removeAll(reached);
        unreached.remove(self);
        List<NodeId> candidates = new ArrayList<>(unreached);
        int count = Math.min(settings.recipients(), candidates.size());
        // partial Fisher-Yates: the first `count` slots become a uniform random subset, drawn only from
        // `random`, so a seeded generator and the same member order give the same hops
        for (int i = 0; i < count; i++) {
            Collections.swap(candidates, i, i + random.nextInt(candidates.size() - i));
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(candidates.subList(0, count)));
    }
}
