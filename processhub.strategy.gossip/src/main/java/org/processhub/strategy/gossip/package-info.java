/** The {@code gossip} synchronization strategy; not an API (the bundle exports nothing). */
package org.processhub.strategy.gossip;
