package org.processhub.api.hook;

import org.processhub.api.NodeId;

/** Payload of the redistribution hooks: which topology change triggered it. */
public record Redistribution(Kind kind, NodeId node) {
    public enum Kind { NODE_JOIN, NODE_LEAVE }
}
