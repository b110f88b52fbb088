package org.processhub.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A supervised, stateful worker. The runtime calls its methods one at a time from the process's own
 * mailbox (never concurrently), so its state needs no locking. A method that throws crashes the process:
 * the supervisor terminates it and restarts a fresh instance according to the child's {@link RestartPolicy}.
 *
 * <p>A process that also implements {@link Handover} keeps its state when the hub moves it to another node.
 */
@ConsumerType
public interface HubProcess {
    /** Called once, first, on the process's mailbox thread. Throwing fails the start of this instance. */
    default void init(ProcessContext context) throws Exception {}

    /** Handles a request from {@link ProcessHub#call}; the return value (an allowed {@link Payloads} value) is the reply. */
    default Object handleCall(Object message) throws Exception {
        throw new UnsupportedOperationException(getClass().getName() + " does not handle calls");
    }

    /** Handles a one-way message from {@link ProcessHub#cast}. */
    default void handleCast(Object message) throws Exception {}

    /** The replica's mode changed (redundancy strategy with active/passive replicas and signals enabled). */
    default void modeChanged(Mode mode) throws Exception {}

    /** Called once, last. The process will receive no more messages. Must not block for long. */
    default void terminate(StopReason reason) {}
}
