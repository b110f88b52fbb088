package org.processhub.strategy.quorum;

import org.processhub.api.strategy.StrategyOptions;
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
import org.processhub.api.strategy.MembershipView;
import org.processhub.api.strategy.PartitionToleranceStrategy;

/**
 * Majority quorum: this side of a split keeps running its children only while it holds a strict majority
 * ({@code max/2 + 1}) of the largest cluster seen, so at most one side of any split runs.
 *
 * <p>Options: {@code initial.cluster.size} (≥ 1, default 1: the size the majority is computed from before
 * more nodes have been seen), {@code track.max.size} (default true: the largest member count seen raises
 * that size; false: only {@code initial.cluster.size} counts).
 *
 * <p>A hub selects it with {@code partitionTolerance.target=(processhub.strategy.name=majority-quorum)} once
 * a factory configuration exists, e.g. the file {@code org.processhub.strategy.quorum.majority-default.cfg}.
 */
@Component(service = PartitionToleranceStrategy.class, configurationPid = MajorityQuorumStrategy.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "processhub.strategy.type=partitionTolerance", "processhub.strategy.name=" + MajorityQuorumStrategy.NAME})
@Designate(ocd = MajorityQuorumStrategy.Config.class, factory = true)
public final class MajorityQuorumStrategy implements PartitionToleranceStrategy {
    public static final String NAME = "majority-quorum";
    public static final String PID = "org.processhub.strategy.quorum.majority";

    @ObjectClassDefinition(name = "ProcessHub majority quorum partition tolerance",
            description = "Children run only while this side of the cluster has a strict majority (max/2+1) of the largest "
                    + "cluster seen. Select it in a hub with partitionTolerance.target=(processhub.strategy.name=majority-quorum).")
    public @interface Config {
        @AttributeDefinition(description = "The cluster size the majority is computed from before more members are "
                + "seen. Set it to the planned cluster size so that a node cut off early does not run alone.", min = "1")
        int initial_cluster_size() default 1;

        @AttributeDefinition(description = "true: the largest member count seen raises the size the majority is computed "
                + "from. false: only initial.cluster.size counts (use it when the cluster is scaled down on purpose).")
        boolean track_max_size() default true;

        @AttributeDefinition(required = false, description = "Optional. Scopes this configuration to one hub: select it "
                + "with partitionTolerance.target=(&(processhub.strategy.name=majority-quorum)(hub.id=<this value>)).")
        String hub_id();
    }

    /** The options, validated. */
    private record Settings(int initialClusterSize, boolean trackMaxSize) {
        Settings {
            if (initialClusterSize < 1) {
                throw new IllegalArgumentException("option initial.cluster.size: " + initialClusterSize + " must be at least 1");
            }
        }
    }

    // Why volatile and @Modified: an update is applied to this running instance (no reactivation), so an
    // invalid one can be rejected while the hub keeps using the last good options; readers see one whole.
    private volatile Settings settings;

    @Reference(service = LoggerFactory.class)
    private Logger logger; // null when constructed without DS

    @Activate
    public MajorityQuorumStrategy(Config config) {
        this.settings = settings(config);
    }

    public MajorityQuorumStrategy(int initialClusterSize, boolean trackMaxSize) {
        this.settings = new Settings(initialClusterSize, trackMaxSize);
    }

    public MajorityQuorumStrategy() {
        this(1, true);
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
        return new Settings(StrategyOptions.read("initial.cluster.size", config::initial_cluster_size),
                StrategyOptions.read("track.max.size", config::track_max_size));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> options() {
        Settings s = settings;
        return Map.of("initial.cluster.size", String.valueOf(s.initialClusterSize()), "track.max.size", String.valueOf(s.trackMaxSize()));
    }

    @Override
    public boolean hasQuorum(MembershipView view) {
        if (view.startup()) return true;
        Settings s = settings;
        int max = s.trackMaxSize() ? Math.max(s.initialClusterSize(), view.maxSeen()) : s.initialClusterSize();
        return view.size() >= max / 2 + 1;
    }
}
