package org.processhub.runtime.internal.cluster;

import org.apache.ignite.IgniteLogger;
import org.processhub.runtime.internal.log.Log;

/**
 * Routes Ignite's own logging into ours: warnings and errors stay warnings and errors, Ignite's verbose
 * INFO goes to DEBUG. Not quiet, so Ignite prints no banner of its own to stdout.
 */
final class IgniteLogAdapter implements IgniteLogger {
    /** Ignite warns once per bad connection (garbage on its ports): at most one line per kind per 10 s. */
    private final org.processhub.runtime.internal.log.RateLimiter limiter =
            new org.processhub.runtime.internal.log.RateLimiter(10_000, 5);
    private static final java.util.regex.Pattern ROUTINE = java.util.regex.Pattern.compile(
            "^(Failed to send message to next node|Local node has detected failed nodes|Node FAILED|Failed to connect to next node"
                    + "|Timed out waiting for message delivery receipt|Failed to send message to remote node)");

    private final Log log;

    IgniteLogAdapter(Log log) {
        this.log = log;
    }

    @Override
    public IgniteLogger getLogger(Object ctgr) {
        return this;
    }

    @Override
    public void trace(String msg) {}

    @Override
    public void debug(String msg) {
        log.debug(() -> "ignite: " + msg);
    }

    @Override
    public void info(String msg) {
        log.debug(() -> "ignite: " + msg);
    }

    @Override
    public void warning(String msg, Throwable e) {
        // Harmless on a light node; Ignite prints it for every small heap.
        if (msg != null && msg.startsWith("Initial heap size")) return;
        if (msg != null && msg.contains("Message queue limit is set to 0")) return;
        if (msg != null && ROUTINE.matcher(msg).find()) {
            // what Ignite says whenever a peer dies: our own log line reports the node failure
            log.debug(() -> "ignite: " + msg);
            return;
        }
        limited(Log.Level.WARN, msg, e);
    }

    /** Warnings and errors, rate-limited per kind; multi-line messages (thread dumps) cut to their first line. */
    private void limited(Log.Level level, String msg, Throwable e) {
        String text = String.valueOf(msg);
        int held = limiter.allow(kind(text));
        if (held < 0) return;
        int nl = text.indexOf('\n');
        if (nl > 0 && !log.enabled(Log.Level.DEBUG)) {
            text = text.substring(0, nl) + " [" + text.lines().count() + " lines; the rest at DEBUG]";
        }
        log.log(level, "ignite: " + text + org.processhub.runtime.internal.log.RateLimiter.note(held), log.enabled(Log.Level.DEBUG) ? e : null);
    }

    /** What makes two Ignite messages "the same kind": their text up to the first bracket or digit. */
    static String kind(String msg) {
        int end = Math.min(msg.length(), 60);
        for (int i = 0; i < end; i++) {
            char c = msg.charAt(i);
            if (c == '[' || c == '(' || Character.isDigit(c) || c == '\n') {
                end = i;
                break;
            }
        }
        return msg.substring(0, end);
    }

    @Override
    public void error(String msg, Throwable e) {
        limited(Log.Level.ERROR, msg, e);
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return log.enabled(Log.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return log.enabled(Log.Level.DEBUG);
    }

    @Override
    public boolean isQuiet() {
        return false;
    }

    @Override
    public String fileName() {
        return null;
    }
}
