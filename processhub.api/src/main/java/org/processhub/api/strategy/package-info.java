/**
 * Strategy SPI. Strategy bundles implement these interfaces and register them as OSGi services with the
 * properties {@code processhub.strategy.type} and {@code processhub.strategy.name}; a hub binds one of
 * each type through reference target filters in its configuration. Every method is a pure function of
 * the state passed in (membership, ring, child ids), so a strategy can be unit-tested without a cluster;
 * the runtime owns all state and all messaging.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.processhub.api.strategy;
