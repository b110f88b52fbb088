package org.processhub.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;
import org.processhub.api.hook.Hooks;

/**
 * A hub: a named group of nodes that place children on a consistent hash ring and share a registry.
 * One OSGi service per hub, with the property {@value ProcessHubConstants#HUB_ID}.
 *
 * <p>Every method may be called from any thread and any node: requests are routed to the nodes that own
 * the children. Futures complete exceptionally with a {@link ProcessHubException} subclass for a request
 * that is refused as a whole (empty, invalid, already started, partitioned, hub stopped); per-child
 * failures of an accepted request are in the result's {@code errors()}.
 */
@ProviderType
public interface ProcessHub {
    String hubId();

    /** The node this hub instance runs on. */
    NodeId localNode();

    /**
     * Starts one child on its owner node(s). Unlike the batch form, a per-child failure completes the
     * future exceptionally with that error's typed exception ({@link UnknownFactoryException}, ...).
     */
    default CompletionStage<StartResult> startChild(ChildSpec spec) {
        return startChild(spec, StartOptions.DEFAULTS);
    }

    CompletionStage<StartResult> startChild(ChildSpec spec, StartOptions options);

    /**
     * Starts children on their owner nodes, grouped in one request per node. Fails as a whole with
     * {@link NoChildrenException} (empty list), {@link InvalidSpecException} (duplicate ids),
     * {@link UnknownFactoryException} (a factory unknown on this node), {@link AlreadyStartedException}
     * (with {@link StartOptions#checkExisting()}), {@link PartitionedException}.
     */
    CompletionStage<StartResult> startChildren(List<ChildSpec> specs, StartOptions options);

    default CompletionStage<StopResult> stopChild(String childId) {
        return stopChildren(List.of(childId), StopOptions.DEFAULTS);
    }

    /** Stops children wherever they run; an unknown id is reported as {@link ErrorCode#NOT_FOUND}. */
    CompletionStage<StopResult> stopChildren(List<String> childIds, StopOptions options);

    /** The registry row of a child, from this node's replica (no network). */
    Optional<ChildInfo> childLookup(String childId);

    /** A snapshot of this node's registry replica, by child id (no network). */
    Map<String, ChildInfo> registry();

    /**
     * The instances that really run, per node: {@link Scope#LOCAL} from this node's supervisor,
     * {@link Scope#GLOBAL} by asking every member (nodes that do not answer in time are left out).
     */
    CompletionStage<Map<NodeId, List<ProcessRef>>> whichChildren(Scope scope);

    /** The hub's member nodes, ordered by name. */
    List<NodeId> nodes(boolean includeLocal);

    /** The nodes that own {@code childId} on the hash ring now, first (primary) first. */
    List<NodeId> owners(String childId);

    /** True while the hub runs and accepts requests. */
    boolean isAlive();

    /** True while the hub's event queue is locked (priority ≥ 10), e.g. during a redistribution. */
    boolean isLocked();

    /** True while the partition tolerance strategy says the hub lacks quorum. */
    boolean isPartitioned();

    /**
     * Sends {@code message} to the child and waits for its reply. Routed to the active instance (or the
     * local one if it runs here). Fails with {@link ChildNotFoundException}, {@link HubTimeoutException},
     * {@link NodeDownException} (the target died mid-call), {@link InvalidPayloadException},
     * {@link MailboxFullException} or {@code HANDLER_FAILED}/{@code PROCESS_CRASHED} errors.
     */
    CompletionStage<Object> call(String childId, Object message, Duration timeout);

    /**
     * Sends a one-way message to the child (every active instance). Throws {@link ChildNotFoundException}
     * if the registry has no such child and {@link InvalidPayloadException} for a disallowed message.
     */
    void cast(String childId, Object message);

    /** Hook handlers of this hub. */
    Hooks hooks();
}
