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
 * Static quorum: this side of a split keeps running its children only while it has at least
 * {@code quorum.size} members (this node included).
 *
 * <p>Options: {@code quorum.size} (a node count ≥ 1, required), {@code startup.confirm} (default false:
 * a hub that starts with fewer members runs anyway; true: it starts partitioned until the quorum is
 * reached).
 *
 * <p>A hub selects it with {@code partitionTolerance.target=(processhub.strategy.name=static-quorum)} once a
 * factory configuration exists, e.g. the file {@code org.processhub.strategy.quorum.static-default.cfg}
 * with {@code quorum.size=3}.
 */
@Component(service = PartitionToleranceStrategy.class, configurationPid = StaticQuorumStrategy.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "processhub.strategy.type=partitionTolerance", "processhub.strategy.name=" + StaticQuorumStrategy.NAME})
@Designate(ocd = StaticQuorumStrategy.Config.class, factory = true)
public final class StaticQuorumStrategy implements PartitionToleranceStrategy {
    public static final String NAME = "static-quorum";
    public static final String PID = "org.processhub.strategy.quorum.static";

    @ObjectClassDefinition(name = "ProcessHub static quorum partition tolerance",
            description = "Children run only while this side of the cluster has at least quorum.size members; otherwise "
                    + "they stop (registry kept) until enough nodes are back. Select it in a hub with "
                    + "partitionTolerance.target=(processhub.strategy.name=static-quorum).")
    public @interface Config {
        @AttributeDefinition(description = "Required. Members (this node included) needed to run children. For a "
                + "cluster of N nodes, N/2+1 (integer division) keeps at most one side of any split running.", min = "1")
        int quorum_size();

        @AttributeDefinition(description = "false: a hub that starts with fewer than quorum.size members runs anyway, "
                + "so a first node can start alone. true: it stays partitioned until quorum.size members have joined.")
        boolean startup_confirm() default false;

        @AttributeDefinition(required = false, description = "Optional. Scopes this configuration to one hub: select it "
                + "with partitionTolerance.target=(&(processhub.strategy.name=static-quorum)(hub.id=<this value>)).")
        String hub_id();
    }

    /** The options, validated. */
    private record Settings(int quorumSize, boolean startupConfirm) {
        Settings {
            if (quorumSize < 1) {
                throw new IllegalArgumentException("option quorum.size: " + quorumSize + " must be at least 1");
            }
        }
    }

    // Why volatile and @Modified: an update is applied to this running instance (no reactivation), so an
    // invalid one can be rejected while the hub keeps using the last good options; readers see one whole.
    private volatile Settings settings;

    @Reference(service = LoggerFactory.class)
    private Logger logger; // null when constructed without DS

    @Activate
    public StaticQuorumStrategy(Config config, Map<String, Object> properties) {
        this.settings = settings(config, properties);
    }

    public StaticQuorumStrategy(int quorumSize, boolean startupConfirm) {
        this.settings = new Settings(quorumSize, startupConfirm);
    }

    /**
     * A configuration update: applied if valid (the same checks as activation), else logged and ignored, so the
     * last good options stay. Never throws: SCR would then reactivate the component with the bad configuration.
     */
    @Modified
    void modified(Config config, Map<String, Object> properties) {
        try {
            settings = settings(config, properties);
        } catch (RuntimeException e) {
            if (logger != null) logger.error(StrategyOptions.rejectedMessage(NAME, properties, e));
        }
    }

    private static Settings settings(Config config, Map<String, Object> properties) {
        StrategyOptions.require(properties, "quorum.size");
        return new Settings(StrategyOptions.read("quorum.size", config::quorum_size),
                StrategyOptions.read("startup.confirm", config::startup_confirm));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> options() {
        Settings s = settings;
        return Map.of("quorum.size", String.valueOf(s.quorumSize()), "startup.confirm", String.valueOf(s.startupConfirm()));
    }

    @Override
    public boolean hasQuorum(MembershipView view) {
        Settings s = settings;
        if (view.startup() && !s.startupConfirm()) return true;
        return view.size() >= s.quorumSize();
    }
}
