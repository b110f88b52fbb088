package org.processhub.api.strategy;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Helpers for strategy components that read their options from a DS configuration, so that every
 * failure names the option it came from (the runtime and operators rely on messages that start with
 * {@code option <key>:}).
 */
public final class StrategyOptions {
    private StrategyOptions() {}

    /**
     * The value of one Config element. DS converts the configured value only when the element is read
     * and reports a bad one (e.g. {@code abc} for a number) without naming the key, hence the wrapping.
     *
     * @throws IllegalArgumentException {@code option <key>: cannot convert the configured value (...)}
     */
    public static <T> T read(String key, Supplier<T> element) {
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
    public static void require(Map<String, ?> properties, String key) {
        if (properties.get(key) == null) {
            throw new IllegalArgumentException("option " + key + ": required, not configured");
        }
    }

    /**
     * The one error line a strategy logs when it refuses a configuration update and keeps its last good
     * options (its DS {@code modified} method must not throw, or SCR would restart it with the bad values).
     */
    public static String rejectedMessage(String strategy, Map<String, ?> properties, RuntimeException e) {
        return strategy + " strategy '" + (properties == null ? null : properties.get("service.pid"))
                + "': configuration rejected, keeping the last good one: " + e.getMessage();
    }
}
