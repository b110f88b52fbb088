package org.processhub.runtime.internal.log;

import java.util.function.Supplier;

/**
 * Logging seen by the plain-Java core. In OSGi it is backed by the OSGi Log Service (see
 * {@code OsgiLog}); unit tests use {@link #NONE} or {@link #stderr(Level)}.
 */
public interface Log {
    enum Level { DEBUG, INFO, WARN, ERROR }

    boolean enabled(Level level);

    void log(Level level, String message, Throwable error);

    default void debug(Supplier<String> message) {
        if (enabled(Level.DEBUG)) log(Level.DEBUG, message.get(), null);
    }

    default void info(String message) {
        log(Level.INFO, message, null);
    }

    default void warn(String message) {
        log(Level.WARN, message, null);
    }

    default void warn(String message, Throwable error) {
        log(Level.WARN, message, error);
    }

    default void error(String message, Throwable error) {
        log(Level.ERROR, message, error);
    }

    /** Discards everything. */
    Log NONE = new Log() {
        @Override
        public boolean enabled(Level level) {
            return false;
        }

        @Override
        public void log(Level level, String message, Throwable error) {}
    };

    /** Writes at {@code min} and above to stderr (tests and tools only). */
    static Log stderr(Level min) {
        return new Log() {
            @Override
            public boolean enabled(Level level) {
                return level.compareTo(min) >= 0;
            }

            @Override
            public void log(Level level, String message, Throwable error) {
                if (!enabled(level)) return;
                System.err.println("[" + level + "] " + Thread.currentThread().getName() + " " + message);
                if (error != null) error.printStackTrace();
            }
        };
    }
}
