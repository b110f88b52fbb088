package org.processhub.strategy.quorum;

import org.processhub.api.strategy.StrategyOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
import org.processhub.api.strategy.MembershipView;
import org.processhub.api.strategy.PartitionToleranceStrategy;

/**
 * Dynamic quorum: this side of a split keeps running its children while the nodes lost within the last
 * {@code threshold.time} leave at least {@code quorum.size} percent of the cluster connected. Nodes that
 * left longer ago no longer count, so the cluster may shrink slowly (one node per {@code threshold.time})
 * without partitioning itself.
 *
 * <p>Options: {@code quorum.size} (percent 1..100, required), {@code threshold.time} (seconds ≥ 0,
 * default 30).
 *
 * <p>A hub selects it with {@code partitionTolerance.target=(processhub.strategy.name=dynamic-quorum)} once a
 * factory configuration exists, e.g. the file {@code org.processhub.strategy.quorum.dynamic-default.cfg}
 * with {@code quorum.size=80}.
 */
@Component(service = PartitionToleranceStrategy.class, configurationPid = DynamicQuorumStrategy.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "processhub.strategy.type=partitionTolerance", "processhub.strategy.name=" + DynamicQuorumStrategy.NAME})
@Designate(ocd = DynamicQuorumStrategy.Config.class, factory = true)
public final class DynamicQuorumStrategy implements PartitionToleranceStrategy {
    public static final String NAME = "dynamic-quorum";
    public static final String PID = "org.processhub.strategy.quorum.dynamic";
    public static final long DEFAULT_THRESHOLD_SECONDS = 30;

    @ObjectClassDefinition(name = "ProcessHub dynamic quorum partition tolerance",
            description = "Children run only while the nodes lost within the last threshold.time seconds leave at least "
                    + "quorum.size percent of the cluster connected. Select it in a hub with "
                    + "partitionTolerance.target=(processhub.strategy.name=dynamic-quorum).")
    public @interface Config {
        @AttributeDefinition(description = "Required. Percentage (1..100) of the recently known cluster (connected + "
                + "recently lost) that must stay connected. 51 or more keeps at most one side of a split running.",
                min = "1", max = "100")
        int quorum_size();

        @AttributeDefinition(description = "Seconds a lost node keeps counting as lost. When scaling down on purpose, "
                + "remove at most one node per threshold.time, or the remaining nodes may stop their children.", min = "0")
        long threshold_time() default DEFAULT_THRESHOLD_SECONDS;

        @AttributeDefinition(required = false, description = "Optional. Scopes this configuration to one hub: select it "
                + "with partitionTolerance.target=(&(processhub.strategy.name=dynamic-quorum)(hub.id=<this value>)).")
        String hub_id();
    }

    /** The options, validated. */
    /** Upper bound of threshold.time: far beyond any sensible value, far from Instant's overflow. */
    static final long MAX_THRESHOLD_SECONDS = 366L * 24 * 3600;

    private record Settings(int quorumPercent, Duration threshold) {
        Settings {
            if (quorumPercent < 1 || quorumPercent > 100) {
                throw new IllegalArgumentException("option quorum.size: " + quorumPercent + " must be a percentage 1..100");
            }
            if (threshold.isNegative() || threshold.toSeconds() > MAX_THRESHOLD_SECONDS) {
                throw new IllegalArgumentException("option threshold.time: " + threshold.toSeconds() + " s must be 0.."
                        + MAX_THRESHOLD_SECONDS + " (a year)");
            }
        }
    }

    // Why volatile and @Modified: an update is applied to this running instance (no reactivation), so an
    // invalid one can be rejected while the hub keeps using the last good options; readers see one whole.
    private volatile Settings settings;

    @Reference(service = LoggerFactory.class)
    private Logger logger; // null when constructed without DS

    @Activate
    public DynamicQuorumStrategy(Config config, Map<String, Object> properties) {
        this.settings = settings(config, properties);
    }

    /**
     * @param quorumPercent the {@code quorum.size} percentage, 1..100
     * @param threshold the {@code threshold.time}: how long a lost node counts, not negative
     */
    public DynamicQuorumStrategy(int quorumPercent, Duration threshold) {
        this.settings = new Settings(quorumPercent, threshold);
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
                Duration.ofSeconds(StrategyOptions.read("threshold.time", config::threshold_time)));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> options() {
        Settings s = settings;
        return Map.of("quorum.size", String.valueOf(s.quorumPercent()), "threshold.time", String.valueOf(s.threshold().toSeconds()));
    }

    @Override
    public boolean hasQuorum(MembershipView view) {
        if (view.startup()) return true;
        Settings s = settings;
        long down = recentlyDown(view, s.threshold());
        long connected = view.size();
        // 100 - down*100/(connected+down) >= quorum, multiplied out to stay in integers
        return down * 100 <= (100L - s.quorumPercent()) * (connected + down);
    }

    /** Distinct nodes that left within the threshold and have not come back. */
    private static long recentlyDown(MembershipView view, Duration threshold) {
        Instant cutoff = view.now().minus(threshold);
        Set<NodeId> members = new HashSet<>(view.members());
        return view.departures().stream()
                .filter(d -> !d.at().isBefore(cutoff))
                .map(MembershipView.Departure::node)
                .filter(n -> !members.contains(n))
                .distinct()
                .count();
    }
}
