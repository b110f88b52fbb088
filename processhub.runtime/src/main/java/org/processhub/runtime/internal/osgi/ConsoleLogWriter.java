package org.processhub.runtime.internal.osgi;

import java.io.PrintStream;
import java.time.Instant;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Writes log entries at or above the framework property {@code processhub.log.level} (e.g. {@code INFO})
 * to stderr, so a node started from the console shows what it does while stdout stays for the shell.
 * Without the property (tests, embedded use) it writes nothing.
 */
@Component(immediate = true, service = {})
public final class ConsoleLogWriter implements LogListener {
    static final String PROPERTY = "processhub.log.level";

    @Reference
    private LogReaderService reader;

    private final PrintStream out = System.err;
    private LogLevel min;

    @Activate
    void activate(BundleContext context) {
        String level = context.getProperty(PROPERTY);
        if (level == null || level.isBlank()) return;
        try {
            min = LogLevel.valueOf(level.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            min = LogLevel.INFO;
        }
        // entries logged before this component came up (e.g. the cluster join) are in the reader's history
        java.util.List<LogEntry> earlier = java.util.Collections.list(reader.getLog());
        java.util.Collections.reverse(earlier);
        earlier.forEach(this::logged);
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        if (min != null) reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        if (!min.implies(entry.getLogLevel())) return;
        // the framework's own bundle/service events are noise at the console unless debugging
        if (entry.getLoggerName() != null && entry.getLoggerName().startsWith("Events.") && min != LogLevel.DEBUG
                && min != LogLevel.TRACE) return;
        String source = entry.getBundle() == null ? "-" : entry.getBundle().getSymbolicName();
        // other bundles' chatter (SCR's startup INFO ...) only at WARN and above
        if (!String.valueOf(source).startsWith("processhub") && !LogLevel.WARN.implies(entry.getLogLevel())
                && min != LogLevel.DEBUG && min != LogLevel.TRACE) return;
        StringBuilder b = new StringBuilder(160).append(Instant.ofEpochMilli(entry.getTime())).append(' ')
                .append(entry.getLogLevel()).append(' ').append(source).append(": ").append(entry.getMessage());
        // the cause in one line (the whole trace only when debugging): e.g. why a component failed to start
        for (Throwable t = entry.getException(); t != null && !min.implies(LogLevel.DEBUG); t = t.getCause() == t ? null : t.getCause()) {
            b.append(" <- ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        synchronized (out) {
            out.println(b);
            if (entry.getException() != null && min.implies(LogLevel.DEBUG)) entry.getException().printStackTrace(out);
        }
    }
}
