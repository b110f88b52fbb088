package org.processhub.api.strategy;

import java.util.Map;

/** Common part of every strategy. */
public interface Strategy {
    /** The strategy's name, equal to its {@code processhub.strategy.name} service property. */
    String name();

    /**
     * The options in effect, as shown by {@code hub:status} and compared between nodes to detect members
     * that run different strategies. Values are strings so they compare the same on every node.
     */
    default Map<String, String> options() {
        return Map.of();
    }
}
