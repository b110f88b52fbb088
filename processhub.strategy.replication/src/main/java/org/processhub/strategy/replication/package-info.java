/** The {@code replication} redundancy strategy; not an API (the bundle exports nothing). */
package org.processhub.strategy.replication;
