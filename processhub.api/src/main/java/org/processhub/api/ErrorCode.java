package org.processhub.api;

/** The kind of a {@link ProcessHubException}; stable across versions and carried on the wire. */
public enum ErrorCode {
    ALREADY_STARTED,
    NO_CHILDREN,
    PARTITIONED,
    TIMEOUT,
    UNKNOWN_FACTORY,
    INVALID_SPEC,
    NOT_FOUND,
    NODE_DOWN,
    HUB_NOT_ALIVE,
    INIT_FAILED,
    PROCESS_CRASHED,
    HANDLER_FAILED,
    INVALID_PAYLOAD,
    MAILBOX_FULL,
    LIMIT_EXCEEDED,
    DUPLICATE_HOOK,
    STRATEGY_UNAVAILABLE
}
