package org.processhub.runtime.internal.osgi;

import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.processhub.api.ProcessHubConstants;
import org.processhub.runtime.internal.cluster.Cluster;
import org.processhub.runtime.internal.cluster.IgniteCluster;
import org.processhub.runtime.internal.cluster.NodeSettings;
import org.processhub.runtime.internal.log.OsgiLog;

/**
 * Starts this framework's cluster node (embedded Ignite server + transport) from configuration
 * {@code org.processhub.cluster} (optional: defaults and {@code processhub.*} system properties work
 * without it) and offers it to the hubs as an internal {@link Cluster} service.
 */
@Component(service = {}, immediate = true, configurationPid = ProcessHubConstants.CLUSTER_PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ClusterComponent.Config.class)
public final class ClusterComponent {
    @ObjectClassDefinition(name = "ProcessHub cluster node",
            description = "This node's cluster membership (embedded Apache Ignite) and transport. Every option can also be "
                    + "given as a system property processhub.<option>, which wins over this configuration.")
    public @interface Config {
        @AttributeDefinition(description = "Unique node name. Empty: <local.address>-<pid>.")
        String node_name() default "";

        @AttributeDefinition(description = "Address to bind discovery, communication and transport to.")
        String local_address() default "127.0.0.1";

        @AttributeDefinition(description = "First discovery port. Not Ignite's default (47500), so a node never joins a stray Ignite cluster.")
        int discovery_port() default NodeSettings.DEFAULT_DISCOVERY_PORT;

        @AttributeDefinition(description = "How many ports after discovery.port may be used (several nodes on one host).")
        int discovery_port_range() default NodeSettings.DEFAULT_DISCOVERY_RANGE;

        @AttributeDefinition(description = "Where to find the other nodes: host:port or host:from..to, comma separated. "
                + "Empty: <local.address>:<discovery.port>..<discovery.port+range>.")
        String discovery_addresses() default "";

        @AttributeDefinition(description = "First port of Ignite's communication SPI.")
        int communication_port() default NodeSettings.DEFAULT_COMMUNICATION_PORT;

        @AttributeDefinition(description = "Port of the ProcessHub transport between nodes; 0 picks a free one.")
        int transport_port() default 0;

        @AttributeDefinition(description = "Milliseconds of silence after which a node is declared failed.")
        long failure_detection_timeout() default NodeSettings.DEFAULT_FAILURE_DETECTION_MS;

        @AttributeDefinition(description = "Name of the cluster: nodes only merge with clusters of the same name.")
        String cluster_name() default "processhub";

        @AttributeDefinition(description = "The merge beacon listens at discovery port + this offset; after a network split "
                + "heals, the smaller side finds the larger one through it and rejoins. 0 disables merging.")
        int merge_beacon_offset() default NodeSettings.DEFAULT_BEACON_OFFSET;

        @AttributeDefinition(description = "Milliseconds between looks for another cluster of the same name.")
        long merge_interval_ms() default NodeSettings.DEFAULT_MERGE_INTERVAL_MS;
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    private BundleContext context;
    private NodeSettings settings;
    private IgniteCluster cluster;
    private ServiceRegistration<Cluster> registration;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) throws Exception {
        this.context = context;
        try {
            settings = NodeSettings.from(properties);
        } catch (IllegalArgumentException e) {
            logger.error("cluster configuration rejected, the node does not start: {}", e.getMessage());
            throw e;
        }
        start();
    }

    /**
     * A configuration change: an invalid one is refused (logged, naming the option) and the node keeps
     * running with its last good settings; a valid one restarts the node's cluster membership with it.
     */
    @Modified
    void modified(Map<String, Object> properties) throws Exception {
        NodeSettings next;
        try {
            next = NodeSettings.from(properties);
        } catch (IllegalArgumentException e) {
            logger.error("cluster configuration rejected, keeping the last good one: {}", e.getMessage());
            return;
        }
        if (next.equals(settings)) return;
        logger.info("cluster configuration changed: restarting this node's cluster membership");
        stop();
        settings = next;
        start();
    }

    private void start() throws Exception {
        try {
            cluster = IgniteCluster.start(settings, new OsgiLog(logger));
        } catch (RuntimeException | java.io.IOException e) {
            logger.error("this node cannot join the cluster: {}", e.getMessage());
            throw e;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("processhub.node", cluster.localNode().name());
        registration = context.registerService(Cluster.class, cluster, props);
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    private void stop() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
