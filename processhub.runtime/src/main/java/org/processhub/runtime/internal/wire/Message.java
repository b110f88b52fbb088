package org.processhub.runtime.internal.wire;

import java.util.List;
import java.util.Map;
import org.processhub.api.ChildSpec;
import org.processhub.api.ErrorCode;
import org.processhub.api.NodeId;

/**
 * Every hub protocol message exchanged between nodes. Encoded to {@code byte[]} by {@link WireCodec};
 * nothing else crosses the network. Payload fields ({@code Object}) hold only {@link org.processhub.api.Payloads}
 * values and are encoded by {@link PayloadCodec}.
 */
public sealed interface Message {
    /** The hub the message belongs to. */
    String hubId();

    /** A node runs the hub (sent when the hub starts, on a new cluster node, and periodically). */
    record Announce(String hubId, NodeId node, boolean replyWanted, long hubStartedAt,
            Map<String, String> strategies) implements Message {}

    /** A node's hub is stopping gracefully (after it moved its children away). */
    record Leave(String hubId, NodeId node) implements Message {}

    /**
     * Start these children here. {@code migration} requests come from redistribution: the receiver starts
     * them without re-checking ownership and treats "already running" as success.
     */
    record StartRequest(String hubId, long requestId, NodeId origin, boolean migration, int hops,
            long timeoutMillis, List<StartItem> items) implements Message {}

    /**
     * One child of a {@link StartRequest}.
     *
     * @param assigned the nodes the origin sent this child to (for forwarding decisions)
     * @param hasHandover true if {@code handoverState} carries a handed-over state (which may be null)
     */
    record StartItem(ChildSpec spec, Map<String, String> metadata, List<NodeId> assigned, boolean hasHandover,
            Object handoverState) {}

    /** Results of a start, sent by the node that started (or failed to start) the children. */
    record StartReply(String hubId, long requestId, NodeId node, List<ItemResult> results) implements Message {}

    /** Outcome for one child: success with {@code incarnation}, or {@code error} with a message. */
    record ItemResult(String childId, long incarnation, ErrorCode error, String message) {
        public static ItemResult ok(String childId, long incarnation) {
            return new ItemResult(childId, incarnation, null, null);
        }

        public static ItemResult failed(String childId, ErrorCode error, String message) {
            return new ItemResult(childId, -1, error, message);
        }

        public boolean isOk() {
            return error == null;
        }
    }

    /** Stop these children here. */
    record StopRequest(String hubId, long requestId, NodeId origin, List<String> childIds) implements Message {}

    record StopReply(String hubId, long requestId, NodeId node, List<ItemResult> results) implements Message {}

    /**
     * Registry changes made by {@code origin}, travelling to the members not yet {@code reached}.
     */
    record RegistryDelta(String hubId, NodeId origin, List<NodeId> reached, List<RegistryOp> ops) implements Message {}

    /** One registry change. */
    sealed interface RegistryOp {
        String childId();

        NodeId node();

        long incarnation();
    }

    /** {@code node} runs an instance of the child, with this incarnation. */
    record Insert(ChildSpec spec, Map<String, String> metadata, NodeId node, long incarnation) implements RegistryOp {
        @Override
        public String childId() {
            return spec.id();
        }
    }

    /** {@code node}'s instance of the child (up to this incarnation) is gone. */
    record Remove(String childId, NodeId node, long incarnation) implements RegistryOp {}

    /**
     * A chunk of {@code node}'s anti-entropy snapshot: every child it really runs. Rows of {@code node}
     * missing from all chunks of a sync, with an incarnation below {@code incarnationHigh}, are stale.
     */
    record SyncSnapshot(String hubId, NodeId node, long syncId, long incarnationHigh, int chunk, boolean last,
            List<SyncRow> rows) implements Message {}

    record SyncRow(ChildSpec spec, Map<String, String> metadata, long incarnation) {}

    /** A call ({@code expectReply}) or cast to a child running on the receiver. */
    record Call(String hubId, long requestId, NodeId origin, String childId, boolean expectReply, Object payload)
            implements Message {}

    /** Reply to a {@link Call}: the payload, or an error code and message. */
    record CallReply(String hubId, long requestId, ErrorCode error, String message, Object payload) implements Message {}

    /** Which children run on the receiver? */
    record WhichRequest(String hubId, long requestId, NodeId origin) implements Message {}

    record WhichReply(String hubId, long requestId, NodeId node, List<Running> running) implements Message {}

    record Running(String childId, long incarnation) {}

    /**
     * An anti-entropy round started by {@code initiator} (gossip with {@code restricted.init}): each node
     * that gets it for the first time pushes its own snapshot to a few members and passes the round on to
     * the members not yet {@code reached}.
     */
    record SyncRound(String hubId, NodeId initiator, long roundId, List<NodeId> reached) implements Message {}

    /**
     * Periodic anti-entropy, cheap form: what runs on {@code node} as a row count and an order-independent
     * 64-bit hash of (child id, incarnation) over those rows. A receiver whose rows of {@code node} give
     * another digest asks for the full snapshot ({@link SyncPull}); one that agrees does nothing.
     */
    record SyncDigest(String hubId, NodeId node, int count, long hash) implements Message {}

    /** The receiver should send {@code node} its full snapshot ({@link SyncSnapshot}). */
    record SyncPull(String hubId, NodeId node) implements Message {}
}
