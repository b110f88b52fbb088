package org.processhub.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Makes the {@link HubProcess} of a child. Register it as an OSGi service with the property
 * {@value ProcessHubConstants#FACTORY_NAME}{@code =<name>}; a {@link ChildSpec#factory()} names it.
 * Called on the node that runs the child, once per (re)start; must be quick and must not block.
 */
@ConsumerType
@FunctionalInterface
public interface ProcessFactory {
    HubProcess create(ChildSpec spec) throws Exception;
}
