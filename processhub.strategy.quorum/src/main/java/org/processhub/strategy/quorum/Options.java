package org.processhub.strategy.quorum;

import java.util.Map;
import java.util.function.Supplier;

/** Reads configuration options so that every failure names the option it came from. */
final class Options {
    private Options() {}

    /**
     * The value of one Config element. DS converts the configured value only when the element is read
     * and reports a bad one (e.g. {@code abc} for a number) without naming the key, hence the wrapping.
     */
    static <T> T read(String key, Supplier<T> element) {
        try {
            return element.get();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("option " + key + ": cannot convert the configured value ("
                    + cause.getMessage() + ")", e);
        }
    }

    /**
     * Fails unless {@code key} is configured. Needed for options without a default: DS hands a Config
     * element with no value and no default over as 0 or false, indistinguishable from a configured value.
     */
    static void require(Map<String, ?> properties, String key) {
        if (properties.get(key) == null) {
            throw new IllegalArgumentException("option " + key + ": required, not configured");
        }
    }
}
