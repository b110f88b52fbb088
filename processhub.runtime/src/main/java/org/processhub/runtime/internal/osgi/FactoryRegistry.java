package org.processhub.runtime.internal.osgi;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.processhub.api.ProcessFactory;
import org.processhub.api.ProcessHubConstants;
import org.processhub.runtime.internal.supervisor.Supervisor;

/** Every {@link ProcessFactory} service, by its {@code processhub.factory} name (whiteboard). */
@Component(service = FactoryRegistry.class)
public final class FactoryRegistry implements Supervisor.FactoryLookup {
    private final Map<String, ProcessFactory> byName = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addFactory(ProcessFactory factory, Map<String, Object> properties) {
        Object name = properties.get(ProcessHubConstants.FACTORY_NAME);
        if (name != null) byName.put(String.valueOf(name), factory);
    }

    void removeFactory(ProcessFactory factory, Map<String, Object> properties) {
        Object name = properties.get(ProcessHubConstants.FACTORY_NAME);
        if (name != null) byName.remove(String.valueOf(name), factory);
    }

    @Override
    public Optional<ProcessFactory> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public java.util.Set<String> names() {
        return java.util.Set.copyOf(byName.keySet());
    }
}
