package org.processhub.api;

/** Which nodes a query covers. */
public enum Scope {
    /** Only this node: no network. */
    LOCAL,
    /** Every node of the hub's cluster, asked over the network. */
    GLOBAL
}
