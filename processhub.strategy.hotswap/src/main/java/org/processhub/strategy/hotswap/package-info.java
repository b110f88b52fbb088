/** The {@code hotswap} migration strategy; not an API (the bundle exports nothing). */
package org.processhub.strategy.hotswap;
