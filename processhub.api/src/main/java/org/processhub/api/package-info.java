/**
 * ProcessHub API: distribute supervised, stateful processes across a cluster of nodes.
 *
 * <p>A {@link org.processhub.api.ProcessHub} (one OSGi service per hub, property {@code hub.id}) starts
 * children from {@link org.processhub.api.ChildSpec}s; each child runs a {@link org.processhub.api.HubProcess}
 * made by a {@link org.processhub.api.ProcessFactory} service on the node(s) that own its child id on the
 * hub's hash ring. Every node keeps a replica of the hub's registry, so
 * {@link org.processhub.api.ProcessHub#childLookup(String)} never touches the network. Errors are typed
 * subclasses of {@link org.processhub.api.ProcessHubException}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.processhub.api;
