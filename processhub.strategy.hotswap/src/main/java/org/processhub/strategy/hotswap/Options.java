package org.processhub.strategy.hotswap;

import java.util.Map;
import java.util.function.Supplier;
import org.osgi.service.log.Logger;

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
     * Logs, as one error line naming the component's configuration and the bad option, that a configuration
     * update was rejected; {@code logger} is null when the component was not created by DS, then nothing is logged.
     */
    static void rejected(Logger logger, String strategy, Map<String, ?> properties, RuntimeException e) {
        if (logger == null) return;
        logger.error("{} strategy '{}': configuration rejected, keeping the last good one: {}",
                strategy, properties == null ? null : properties.get("service.pid"), e.getMessage());
    }
}
