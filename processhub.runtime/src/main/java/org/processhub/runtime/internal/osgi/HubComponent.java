package org.processhub.runtime.internal.osgi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.processhub.api.ProcessHub;
import org.processhub.api.ProcessHubConstants;
import org.processhub.api.hook.Hook;
import org.processhub.api.hook.HookHandler;
import org.processhub.api.strategy.DistributionStrategy;
import org.processhub.api.strategy.MigrationStrategy;
import org.processhub.api.strategy.PartitionToleranceStrategy;
import org.processhub.api.strategy.RedundancyStrategy;
import org.processhub.api.strategy.SynchronizationStrategy;
import org.processhub.runtime.internal.cluster.Cluster;
import org.processhub.runtime.internal.hooks.HookDispatcher;
import org.processhub.runtime.internal.hub.HubCore;
import org.processhub.runtime.internal.hub.HubSettings;
import org.processhub.runtime.internal.hub.HubStrategies;
import org.processhub.runtime.internal.log.Log;
import org.processhub.runtime.internal.log.OsgiLog;

/**
 * One hub per factory configuration {@code org.processhub.hub~<name>}: wires a {@link HubCore} to the
 * cluster, the process factories and the strategies selected by the configuration's reference targets
 * ({@code redundancy.target=(processhub.strategy.name=replication)} ...), and registers it as the
 * {@link ProcessHub} service with {@code hub.id}. Strategy references are dynamic and greedy: changing
 * the selection or a strategy's options swaps it in the running hub instead of restarting it.
 */
@Component(service = {}, immediate = true, configurationPid = ProcessHubConstants.HUB_FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = HubComponent.Config.class, factory = true)
public final class HubComponent {
    @ObjectClassDefinition(name = "ProcessHub hub", description = "A hub: a named group of nodes sharing a process registry "
            + "and placement. Nodes that run the same hub.id form that hub's cluster.")
    public @interface Config {
        @AttributeDefinition(description = "The hub's id, the same on every node of the hub (1..128 of A-Z a-z 0-9 . _ -).")
        String hub_id();

        @AttributeDefinition(description = "Restarts allowed per child within restart.period.ms; past it the child is removed.")
        int restart_max() default 5;

        @AttributeDefinition(description = "Window of the restart intensity, in milliseconds.")
        long restart_period_ms() default 10_000;

        @AttributeDefinition(description = "Most messages queued per process; more are refused with MailboxFullException.")
        int mailbox_capacity() default 100_000;

        @AttributeDefinition(description = "Milliseconds the event queue may stay locked before unlocking by itself.")
        long deadlock_timeout_ms() default 60_000;

        @AttributeDefinition(description = "Milliseconds between re-announcements of the hub to every node.")
        long announce_interval_ms() default 5_000;

        @AttributeDefinition(description = "Milliseconds a redistribution waits for the nodes children moved to.")
        long migration_timeout_ms() default 15_000;

        @AttributeDefinition(description = "Filter selecting the redundancy strategy.")
        String redundancy_target() default "(processhub.strategy.name=singularity)";

        @AttributeDefinition(description = "Filter selecting the migration strategy.")
        String migration_target() default "(processhub.strategy.name=coldswap)";

        @AttributeDefinition(description = "Filter selecting the synchronization strategy.")
        String synchronization_target() default "(processhub.strategy.name=pubsub)";

        @AttributeDefinition(description = "Filter selecting the partition tolerance strategy.")
        String partitionTolerance_target() default "(processhub.strategy.name=divergence)";

        @AttributeDefinition(description = "Filter selecting the distribution strategy.")
        String distribution_target() default "(processhub.strategy.name=consistent-hashing)";
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference
    private Cluster cluster;

    @Reference
    private FactoryRegistry factories;

    private volatile DistributionStrategy distribution;
    private volatile RedundancyStrategy redundancy;
    private volatile MigrationStrategy migration;
    private volatile SynchronizationStrategy synchronization;
    private volatile PartitionToleranceStrategy partitionTolerance;
    private volatile EventAdmin eventAdmin;
    private final EventTopics eventTopics = new EventTopics();

    private final Map<HookHandler<?>, Map<String, Object>> whiteboard = new HashMap<>();
    private BundleContext context;
    private Log log;
    private HubCore core;
    private HubSettings settings;
    private ServiceRegistration<ProcessHub> registration;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        this.log = new OsgiLog(logger);
        start(properties);
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        HubSettings next;
        try {
            next = HubSettings.from(properties);
        } catch (IllegalArgumentException e) {
            log.error("hub " + settings.hubId() + ": configuration rejected, keeping the last good one: " + e.getMessage(), null);
            return;
        }
        if (!next.hubId().equals(settings.hubId())) {
            log.error("hub " + settings.hubId() + ": configuration rejected: hub.id cannot change (" + next.hubId()
                    + "); create another configuration for another hub", null);
            return;
        }
        if (!next.equals(settings)) {
            log.info("hub " + settings.hubId() + ": configuration changed; restarting the hub");
            stop();
            start(properties);
        }
        // target changes alone are handled by the reference rebinding
    }

    @Deactivate
    synchronized void deactivate(int reason) {
        if (reason == org.osgi.service.component.ComponentConstants.DEACTIVATION_REASON_REFERENCE && settings != null) {
            log.warn("hub " + settings.hubId() + " stops: a strategy or service it needs is gone (hub:status "
                    + settings.hubId() + " tells which); its children move to the other nodes, and it starts again when it returns");
        }
        stop();
    }

    private synchronized void start(Map<String, Object> properties) {
        try {
            settings = HubSettings.from(properties);
        } catch (IllegalArgumentException e) {
            log.error("hub configuration " + properties.get("service.pid") + " rejected: " + e.getMessage(), null);
            throw e;
        }
        core = new HubCore(settings, cluster, strategies(), factories, log);
        core.hookDispatcher().setSink(new HookDispatcher.Sink() {
            @Override
            public boolean wants(Hook<?> hook) {
                return eventAdmin != null && eventTopics.wants(hook);
            }

            @Override
            public void publish(String hubId, Hook<?> hook, Object payload) {
                HubComponent.this.publish(hubId, hook, payload);
            }
        });
        whiteboard.forEach(this::registerHook);
        core.start();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ProcessHubConstants.HUB_ID, settings.hubId());
        props.put(Constants.SERVICE_DESCRIPTION, "ProcessHub hub " + settings.hubId());
        registration = context.registerService(ProcessHub.class, core, props);
    }

    private void stop() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException ignored) {
                // already gone with the bundle
            }
            registration = null;
        }
        if (core != null) {
            core.stop();
            core = null;
        }
    }

    private HubStrategies strategies() {
        return new HubStrategies(distribution, redundancy, migration, synchronization, partitionTolerance);
    }

    /** A strategy was (re)bound, or a bound one changed its options in place: the core decides if that matters. */
    private synchronized void strategiesChanged() {
        if (core != null) core.updateStrategies(strategies());
    }

    private void publish(String hubId, Hook<?> hook, Object payload) {
        EventAdmin ea = eventAdmin;
        if (ea == null) return;
        Map<String, Object> props = new HashMap<>();
        props.put(ProcessHubConstants.HUB_ID, hubId);
        props.put("hook", hook.name());
        props.put("payload", payload);
        ea.postEvent(new Event(hook.topic(), props));
    }

    // ---- strategies: dynamic, greedy, mandatory; the configuration's <name>.target selects them

    @Reference(name = "distribution", policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(processhub.strategy.name=consistent-hashing)")
    void bindDistribution(DistributionStrategy s) {
        distribution = s;
        strategiesChanged();
    }

    void updatedDistribution(DistributionStrategy s) {
        strategiesChanged(); // its configuration changed; a strategy with a modified method keeps its instance
    }

    void unbindDistribution(DistributionStrategy s) {
        // a replacement was bound first (greedy); with none, the component deactivates
    }

    @Reference(name = "redundancy", policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(processhub.strategy.name=singularity)")
    void bindRedundancy(RedundancyStrategy s) {
        redundancy = s;
        strategiesChanged();
    }

    void updatedRedundancy(RedundancyStrategy s) {
        strategiesChanged(); // its configuration changed; a strategy with a modified method keeps its instance
    }

    void unbindRedundancy(RedundancyStrategy s) {}

    @Reference(name = "migration", policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(processhub.strategy.name=coldswap)")
    void bindMigration(MigrationStrategy s) {
        migration = s;
        strategiesChanged();
    }

    void updatedMigration(MigrationStrategy s) {
        strategiesChanged(); // its configuration changed; a strategy with a modified method keeps its instance
    }

    void unbindMigration(MigrationStrategy s) {}

    @Reference(name = "synchronization", policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(processhub.strategy.name=pubsub)")
    void bindSynchronization(SynchronizationStrategy s) {
        synchronization = s;
        strategiesChanged();
    }

    void updatedSynchronization(SynchronizationStrategy s) {
        strategiesChanged(); // its configuration changed; a strategy with a modified method keeps its instance
    }

    void unbindSynchronization(SynchronizationStrategy s) {}

    @Reference(name = "partitionTolerance", policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(processhub.strategy.name=divergence)")
    void bindPartitionTolerance(PartitionToleranceStrategy s) {
        partitionTolerance = s;
        strategiesChanged();
    }

    void updatedPartitionTolerance(PartitionToleranceStrategy s) {
        strategiesChanged(); // its configuration changed; a strategy with a modified method keeps its instance
    }

    void unbindPartitionTolerance(PartitionToleranceStrategy s) {}

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEventAdmin(EventAdmin ea) {
        eventAdmin = ea;
    }

    void unbindEventAdmin(EventAdmin ea) {
        if (eventAdmin == ea) eventAdmin = null;
    }

    // only the references: taking the handler services would activate them
    @Reference(service = EventHandler.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addEventHandler(ServiceReference<EventHandler> ref) {
        eventTopics.put(ref.getProperty(Constants.SERVICE_ID), ref.getProperty(EventConstants.EVENT_TOPIC));
    }

    void updatedEventHandler(ServiceReference<EventHandler> ref) {
        addEventHandler(ref);
    }

    void removeEventHandler(ServiceReference<EventHandler> ref) {
        eventTopics.remove(ref.getProperty(Constants.SERVICE_ID));
    }

    // ---- whiteboard hook handlers

    @Reference(service = HookHandler.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void addHookHandler(HookHandler<?> handler, Map<String, Object> props) {
        whiteboard.put(handler, props);
        if (core != null) registerHook(handler, props);
    }

    synchronized void removeHookHandler(HookHandler<?> handler, Map<String, Object> props) {
        whiteboard.remove(handler);
        if (core != null) {
            for (Hook<?> h : hooksOf(props)) core.hooks().cancel(h, handlerId(props));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void registerHook(HookHandler<?> handler, Map<String, Object> props) {
        Object hub = props.get(ProcessHubConstants.HUB_ID);
        if (hub != null && !Objects.equals(String.valueOf(hub), settings.hubId())) return;
        int priority = props.get(ProcessHubConstants.HOOK_PRIORITY) instanceof Number n ? n.intValue()
                : parseInt(props.get(ProcessHubConstants.HOOK_PRIORITY));
        for (Hook<?> h : hooksOf(props)) {
            try {
                core.hooks().register((Hook) h, handlerId(props), priority, (HookHandler) handler);
            } catch (RuntimeException e) {
                log.warn("hub " + settings.hubId() + ": hook handler " + handlerId(props) + " not registered: " + e.getMessage());
            }
        }
    }

    private List<Hook<?>> hooksOf(Map<String, Object> props) {
        Object v = props.get(ProcessHubConstants.HOOK_NAME);
        List<String> names = new ArrayList<>();
        if (v instanceof String s) names.add(s);
        else if (v instanceof String[] arr) names.addAll(List.of(arr));
        else if (v instanceof java.util.Collection<?> c) c.forEach(x -> names.add(String.valueOf(x)));
        List<Hook<?>> hooks = new ArrayList<>();
        for (String n : names) {
            if ("*".equals(n)) hooks.addAll(Hook.all());
            else Hook.byName(n.trim()).ifPresentOrElse(hooks::add,
                    () -> log.warn("unknown hook name '" + n + "' on a HookHandler service (known: " + Hook.all() + ")"));
        }
        return hooks;
    }

    private static String handlerId(Map<String, Object> props) {
        Object id = props.get(ProcessHubConstants.HOOK_HANDLER_ID);
        return id != null ? String.valueOf(id) : "service-" + props.get(Constants.SERVICE_ID);
    }

    private static int parseInt(Object o) {
        try {
            return o == null ? 0 : Integer.parseInt(String.valueOf(o).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
