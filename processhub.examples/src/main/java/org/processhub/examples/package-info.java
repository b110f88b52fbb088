/** Example process factories used by demos and tests; not an API. */
package org.processhub.examples;
