package org.processhub.runtime.internal.strategy;

import java.time.Duration;
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
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.processhub.api.NodeId;
import org.processhub.api.strategy.SynchronizationStrategy;

/**
 * Default synchronization: a node that changes the registry sends the change to every other member at
 * once; every {@code sync.interval} each node also re-publishes what it really runs (anti-entropy).
 */
@Component(service = SynchronizationStrategy.class, configurationPid = PubSubStrategy.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = {
        "processhub.strategy.type=synchronization", "processhub.strategy.name=" + PubSubStrategy.NAME})
@Designate(ocd = PubSubStrategy.Config.class)
public final class PubSubStrategy implements SynchronizationStrategy {
    public static final String NAME = "pubsub";
    public static final String PID = "org.processhub.strategy.pubsub";
    public static final long DEFAULT_SYNC_INTERVAL_MS = 15_000;

    @ObjectClassDefinition(name = "ProcessHub PubSub synchronization",
            description = "Registry changes are sent to every member at once; a periodic full sync repairs drift.")
    public @interface Config {
        @AttributeDefinition(description = "Milliseconds between anti-entropy syncs, in which each node re-publishes "
                + "the children it really runs and the others drop stale rows. Lower repairs faster, costs more traffic.", min = "100")
        long sync_interval() default DEFAULT_SYNC_INTERVAL_MS;
    }

    private volatile Duration syncInterval; // volatile: a configuration change applies in place (see modified)

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL)
    private Logger logger;

    @Activate
    public PubSubStrategy(Config config) {
        this(Duration.ofMillis(config.sync_interval()));
    }

    /** A configuration change: applied in place when valid; an invalid one is refused and the last good kept. */
    @Modified
    void modified(Config config) {
        try {
            syncInterval = new PubSubStrategy(config).syncInterval;
        } catch (RuntimeException e) {
            if (logger != null) logger.error("pubsub strategy: configuration rejected, keeping the last good one: {}", e.getMessage());
        }
    }

    public PubSubStrategy(Duration syncInterval) {
        if (syncInterval.toMillis() < 100) {
            throw new IllegalArgumentException("option sync.interval: " + syncInterval.toMillis() + " ms must be at least 100");
        }
        this.syncInterval = syncInterval;
    }

    public PubSubStrategy() {
        this(Duration.ofMillis(DEFAULT_SYNC_INTERVAL_MS));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> options() {
        return Map.of("sync.interval", String.valueOf(syncInterval.toMillis()));
    }

    @Override
    public Duration syncInterval() {
        return syncInterval;
    }

    @Override
    public Set<NodeId> nextHops(NodeId self, List<NodeId> members, Set<NodeId> reached, RandomGenerator random) {
        Set<NodeId> hops = new LinkedHashSet<>(members);
        hops.removeAll(reached);
        return hops;
    }
}
