package org.processhub.strategy.quorum;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
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

    private final int quorumSize;
    private final boolean startupConfirm;

    @Activate
    public StaticQuorumStrategy(Config config, Map<String, Object> properties) {
        this(requiredQuorumSize(config, properties), Options.read("startup.confirm", config::startup_confirm));
    }

    public StaticQuorumStrategy(int quorumSize, boolean startupConfirm) {
        if (quorumSize < 1) {
            throw new IllegalArgumentException("option quorum.size: " + quorumSize + " must be at least 1");
        }
        this.quorumSize = quorumSize;
        this.startupConfirm = startupConfirm;
    }

    private static int requiredQuorumSize(Config config, Map<String, Object> properties) {
        Options.require(properties, "quorum.size");
        return Options.read("quorum.size", config::quorum_size);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> options() {
        return Map.of("quorum.size", String.valueOf(quorumSize), "startup.confirm", String.valueOf(startupConfirm));
    }

    @Override
    public boolean hasQuorum(MembershipView view) {
        if (view.startup() && !startupConfirm) return true;
        return view.size() >= quorumSize;
    }
}
