package org.processhub.api;

/** Names shared by the runtime, strategy bundles and users: service properties and configuration PIDs. */
public final class ProcessHubConstants {
    /** Service property carrying the hub id on every {@link ProcessHub} service (and hub-scoped services). */
    public static final String HUB_ID = "hub.id";
    /** Service property naming a {@link ProcessFactory}; {@link ChildSpec#factory()} refers to it. */
    public static final String FACTORY_NAME = "processhub.factory";
    /** Factory configuration PID of a hub: {@code org.processhub.hub~<name>}. */
    public static final String HUB_FACTORY_PID = "org.processhub.hub";
    /** Configuration PID of the node's cluster settings (one per framework). */
    public static final String CLUSTER_PID = "org.processhub.cluster";
    /** Service property of a strategy: its kind ({@code redundancy}, {@code migration}, ...). */
    public static final String STRATEGY_TYPE = "processhub.strategy.type";
    /** Service property of a strategy: its name ({@code singularity}, {@code replication}, ...). */
    public static final String STRATEGY_NAME = "processhub.strategy.name";
    /** Whiteboard {@link org.processhub.api.hook.HookHandler} property: the hook name(s) it handles. */
    public static final String HOOK_NAME = "processhub.hook";
    /** Whiteboard hook handler property: handler id (defaults to the service id). */
    public static final String HOOK_HANDLER_ID = "processhub.hook.id";
    /** Whiteboard hook handler property: priority, higher runs first (default 0). */
    public static final String HOOK_PRIORITY = "processhub.hook.priority";
    /** EventAdmin topic prefix for hooks: {@code org/processhub/hook/<HOOK_NAME>}. */
    public static final String HOOK_TOPIC_PREFIX = "org/processhub/hook/";

    private ProcessHubConstants() {}
}
