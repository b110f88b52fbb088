package org.processhub.api.hook;

import java.util.List;
import org.processhub.api.ProcessRef;

/** Payload of {@link Hook#REGISTRY_PID_INSERTED}: the instances added or replaced in a child's row. */
public record RegistryChange(String childId, List<ProcessRef> refs) {
    public RegistryChange {
        refs = List.copyOf(refs);
    }
}
