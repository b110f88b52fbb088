package org.processhub.api;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** What the runtime tells a {@link HubProcess} about itself; given to {@link HubProcess#init}. */
@ProviderType
public interface ProcessContext {
    /** This instance: hub, node, child id, incarnation. */
    ProcessRef self();

    ChildSpec spec();

    /** Shorthand for {@code spec().args()}. */
    default Map<String, Object> args() {
        return spec().args();
    }

    /** The registry metadata given when the child was started. */
    Map<String, String> metadata();

    /** The hub this process belongs to, e.g. to call other children. */
    ProcessHub hub();

    /** This replica's current mode; {@link Mode#ACTIVE} unless the redundancy strategy says otherwise. */
    Mode mode();

    /**
     * Ends this process normally once the current message is handled. A {@link RestartPolicy#PERMANENT}
     * child is then restarted; transient and temporary children are removed from the hub.
     */
    void stop();
}
