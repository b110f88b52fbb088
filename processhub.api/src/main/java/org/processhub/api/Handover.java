package org.processhub.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by a {@link HubProcess} whose state should survive a move to another node (migration on a
 * join, graceful node stop). The old instance exports its state; the new instance imports it after
 * {@link HubProcess#init} and before it handles any message.
 */
@ConsumerType
public interface Handover {
    /** The state to hand over: an allowed {@link Payloads} value. Called on the old instance's mailbox. */
    Object exportState() throws Exception;

    /** Receives the state exported by the previous instance. Called on the new instance's mailbox. */
    void importState(Object state) throws Exception;
}
