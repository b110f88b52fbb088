package org.processhub.api.hook;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;
import org.processhub.api.DuplicateHookException;

/** A hub's hook handlers: register and cancel them programmatically. */
@ProviderType
public interface Hooks {
    /**
     * Registers a handler.
     *
     * @param handlerId unique per hook
     * @param priority higher runs first; equal priorities run in registration order
     * @throws DuplicateHookException if {@code handlerId} is already registered for {@code hook}
     */
    <T> void register(Hook<T> hook, String handlerId, int priority, HookHandler<? super T> handler);

    /** Removes a handler; returns false if none had that id. */
    boolean cancel(Hook<?> hook, String handlerId);

    /** Ids of the handlers of a hook, in the order they run. */
    List<String> handlerIds(Hook<?> hook);
}
