package org.processhub.api.hook;

import java.util.Map;
import org.processhub.api.NodeId;

/** Payload of {@link Hook#STRATEGY_MISMATCH}: a member's strategy digest differs from this node's. */
public record StrategyMismatch(NodeId node, Map<String, String> local, Map<String, String> remote) {
    public StrategyMismatch {
        local = Map.copyOf(local);
        remote = Map.copyOf(remote);
    }
}
