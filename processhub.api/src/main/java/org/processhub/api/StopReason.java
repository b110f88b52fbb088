package org.processhub.api;

/** Why a process is being terminated; passed to {@link HubProcess#terminate(StopReason)}. */
public enum StopReason {
    /** The process asked to stop itself ({@link ProcessContext#stop()}). */
    NORMAL,
    /** The hub stopped it: stopChild, migration to another node, node or hub shutdown. */
    SHUTDOWN,
    /** A handler threw: the process crashed and the supervisor decides on a restart. */
    CRASH,
    /** The hub lost quorum and stopped its local children until quorum is back. */
    PARTITION
}
