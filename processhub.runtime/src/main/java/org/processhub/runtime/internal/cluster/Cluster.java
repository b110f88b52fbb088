package org.processhub.runtime.internal.cluster;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.processhub.api.NodeId;

/**
 * The node's view of the cluster, as the hubs see it: which nodes are up, a way to send frames to them
 * (ordered per destination), and shared thread pools. One per framework. No Ignite type crosses it.
 */
public interface Cluster {
    NodeId localNode();

    /** Live nodes, the local one included, sorted by name. */
    List<NodeId> nodes();

    boolean isUp(NodeId node);

    /**
     * Sends a frame to {@code to}; frames to one destination arrive in the order sent. Never blocks on
     * the network. Throws {@link org.processhub.api.NodeDownException} if {@code to} is not up.
     */
    void send(NodeId to, byte[] frame);

    /** Frames whose hub id is {@code hubId} go to {@code inbound}, on a transport reader thread. */
    void bind(String hubId, Inbound inbound);

    void unbind(String hubId, Inbound inbound);

    void addListener(Listener listener);

    void removeListener(Listener listener);

    /** Timer for timeouts and periodic tasks; tasks must be short. */
    ScheduledExecutorService timer();

    /** Worker pool that runs process mailboxes. */
    ExecutorService workers();

    /** A node-wide, strictly increasing number, larger than any given before a restart of this node. */
    long nextIncarnation();

    /** The incarnation number the next call to {@link #nextIncarnation()} will exceed. */
    long currentIncarnation();

    interface Inbound {
        void onFrame(NodeId from, byte[] frame);
    }

    /** Membership changes, delivered one at a time in order on a cluster event thread. */
    interface Listener {
        void nodeUp(NodeId node);

        void nodeDown(NodeId node, boolean failed);
    }
}
