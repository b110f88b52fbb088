package org.processhub.strategy.replication;

import org.processhub.api.strategy.StrategyOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
import org.osgi.service.metatype.annotations.Option;
import org.processhub.api.NodeId;
import org.processhub.api.strategy.RedundancyStrategy;

/**
 * Redundancy by replication: each child runs on the first {@code replication.factor} owners of its id on
 * the ring instead of only on the first one, so a node crash leaves running copies behind.
 *
 * <p>Options: {@code replication.factor} (a whole number ≥ 1 or {@code cluster_size}, default 2; the
 * runtime caps it at the cluster size), {@code replication.model} ({@code active_active}: every replica
 * is active; {@code active_passive}: only the ring primary is, default {@code active_active}),
 * {@code redundancy.signal} (which mode changes processes are told about: {@code none}, {@code active},
 * {@code passive} or {@code all}, default {@code none}).
 *
 * <p>A hub selects it with {@code redundancy.target=(processhub.strategy.name=replication)} once a factory
 * configuration exists, e.g. the file {@code org.processhub.strategy.replication-default.cfg}.
 */
@Component(service = RedundancyStrategy.class, configurationPid = ReplicationStrategy.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "processhub.strategy.type=redundancy", "processhub.strategy.name=" + ReplicationStrategy.NAME})
@Designate(ocd = ReplicationStrategy.Config.class, factory = true)
public final class ReplicationStrategy implements RedundancyStrategy {
    public static final String NAME = "replication";
    public static final String PID = "org.processhub.strategy.replication";
    /** {@code replication.factor} value meaning "every member". */
    public static final String CLUSTER_SIZE = "cluster_size";

    @ObjectClassDefinition(name = "ProcessHub replication redundancy",
            description = "Runs each child on several nodes: its first replication.factor owners on the hash ring. "
                    + "Select it in a hub with redundancy.target=(processhub.strategy.name=replication). "
                    + "Every node of the hub must use the same options.")
    public @interface Config {
        @AttributeDefinition(description = "Instances per child: a whole number of at least 1, or cluster_size for one "
                + "on every member. Capped at the number of members. 2 survives one node crash without a restart.")
        String replication_factor() default "2";

        @AttributeDefinition(description = "active_active: every replica handles messages. active_passive: only the "
                + "ring primary is active; when its node dies the next replica, already running, becomes active.",
                options = {@Option(value = "active_active", label = "Every replica active"),
                        @Option(value = "active_passive", label = "Primary active, others passive")})
        String replication_model() default "active_active";

        @AttributeDefinition(description = "Which mode changes processes are told about (HubProcess.modeChanged): "
                + "none, active (becoming active), passive (becoming passive) or all. With active_active every "
                + "replica is active, so passive sends nothing.",
                options = {@Option(value = "none", label = "None"), @Option(value = "active", label = "Becoming active"),
                        @Option(value = "passive", label = "Becoming passive"), @Option(value = "all", label = "All")})
        String redundancy_signal() default "none";

        @AttributeDefinition(required = false, description = "Optional. Scopes this configuration to one hub: select it "
                + "with redundancy.target=(&(processhub.strategy.name=replication)(hub.id=<this value>)).")
        String hub_id();
    }

    /** How many of a child's replicas are active. */
    public enum Model {
        ACTIVE_ACTIVE, ACTIVE_PASSIVE;

        /** The option value, e.g. {@code active_passive}. */
        public String option() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The options, validated; {@code factor} 0 means cluster_size. */
    private record Settings(int factor, Model model, Signal signal) {}

    // Why volatile and @Modified: an update is applied to this running instance (no reactivation), so an
    // invalid one can be rejected while the hub keeps using the last good options; readers see one whole.
    private volatile Settings settings;

    @Reference(service = LoggerFactory.class)
    private Logger logger; // null when constructed without DS

    @Activate
    public ReplicationStrategy(Config config) {
        this.settings = settings(config);
    }

    /** Takes the option values as they appear in a configuration file. */
    public ReplicationStrategy(String replicationFactor, String replicationModel, String redundancySignal) {
        this.settings = settings(replicationFactor, replicationModel, redundancySignal);
    }

    public ReplicationStrategy() {
        this("2", "active_active", "none");
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
        return settings(StrategyOptions.read("replication.factor", config::replication_factor),
                StrategyOptions.read("replication.model", config::replication_model),
                StrategyOptions.read("redundancy.signal", config::redundancy_signal));
    }

    private static Settings settings(String replicationFactor, String replicationModel, String redundancySignal) {
        return new Settings(parseFactor(replicationFactor), parse(Model.class, "replication.model", replicationModel),
                parse(Signal.class, "redundancy.signal", redundancySignal));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> options() {
        Settings s = settings;
        return Map.of("replication.factor", s.factor() == 0 ? CLUSTER_SIZE : String.valueOf(s.factor()),
                "replication.model", s.model().option(),
                "redundancy.signal", s.signal().name().toLowerCase(Locale.ROOT));
    }

    @Override
    public int replicationFactor(int clusterSize) {
        int factor = settings.factor();
        return factor == 0 ? clusterSize : factor;
    }

    @Override
    public Optional<NodeId> activeReplica(String childId, List<NodeId> replicas) {
        // The ring primary rather than Elixir's char-sum pick: when the primary's node dies the ring makes
        // the next replica primary, and that one already runs, so failover needs no restart.
        if (settings.model() == Model.ACTIVE_ACTIVE || replicas.isEmpty()) return Optional.empty();
        return Optional.of(replicas.get(0));
    }

    @Override
    public Signal signal() {
        return settings.signal();
    }

    public Model model() {
        return settings.model();
    }

    private static int parseFactor(String value) {
        String v = value == null ? "" : value.trim();
        if (v.equalsIgnoreCase(CLUSTER_SIZE)) return 0;
        if (v.matches("[0-9]{1,9}") && Integer.parseInt(v) >= 1) return Integer.parseInt(v);
        throw new IllegalArgumentException("option replication.factor: '" + value
                + "' must be a whole number of at least 1 or " + CLUSTER_SIZE);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String key, String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(v)) return e;
        }
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        throw new IllegalArgumentException("option " + key + ": '" + value + "' must be one of " + String.join(", ", allowed));
    }
}
