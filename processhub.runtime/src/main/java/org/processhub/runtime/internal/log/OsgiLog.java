package org.processhub.runtime.internal.log;

import org.osgi.service.log.Logger;

/** {@link Log} on an OSGi Log Service {@link Logger} (injected by DS). */
public final class OsgiLog implements Log {
    private final Logger logger;

    public OsgiLog(Logger logger) {
        this.logger = logger;
    }

    @Override
    public boolean enabled(Level level) {
        return switch (level) {
            case DEBUG -> logger.isDebugEnabled();
            case INFO -> logger.isInfoEnabled();
            case WARN -> logger.isWarnEnabled();
            case ERROR -> logger.isErrorEnabled();
        };
    }

    @Override
    public void log(Level level, String message, Throwable error) {
        switch (level) {
            case DEBUG -> logger.debug(message, error);
            case INFO -> logger.info(message, error);
            case WARN -> logger.warn(message, error);
            case ERROR -> logger.error(message, error);
        }
    }
}
