/**
 * Hooks: typed notifications a hub fires at points of its life (cluster join/leave, registry changes,
 * migrations, lock state, redistributions, child starts). Handlers run synchronously on the hub's event
 * thread, highest priority first, so they must be quick. Register them through
 * {@link org.processhub.api.ProcessHub#hooks()}, as whiteboard {@link org.processhub.api.hook.HookHandler}
 * services, or listen on OSGi EventAdmin topics {@code org/processhub/hook/<NAME>}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.processhub.api.hook;
