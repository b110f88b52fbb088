/**
 * The quorum partition tolerance strategies ({@code static-quorum}, {@code dynamic-quorum},
 * {@code majority-quorum}); not an API (the bundle exports nothing).
 */
package org.processhub.strategy.quorum;
