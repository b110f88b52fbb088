package org.processhub.api.hook;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives a hook's payload. Runs on the hub's event thread: keep it short and never block on the hub.
 * An exception is logged and does not stop other handlers.
 *
 * <p>As a whiteboard service, set {@code processhub.hook} to one or more hook names, optionally
 * {@code hub.id} to limit it to a hub, {@code processhub.hook.id} and {@code processhub.hook.priority}.
 */
@ConsumerType
@FunctionalInterface
public interface HookHandler<T> {
    void handle(T payload) throws Exception;
}
