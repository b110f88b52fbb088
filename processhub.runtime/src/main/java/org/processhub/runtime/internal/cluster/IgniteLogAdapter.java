package org.processhub.runtime.internal.cluster;

import org.apache.ignite.IgniteLogger;
import org.processhub.runtime.internal.log.Log;

/**
 * Routes Ignite's own logging into ours: warnings and errors stay warnings and errors, Ignite's verbose
 * INFO goes to DEBUG. Not quiet, so Ignite prints no banner of its own to stdout.
 */
final class IgniteLogAdapter implements IgniteLogger {
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
        log.warn("ignite: " + msg, e);
    }

    @Override
    public void error(String msg, Throwable e) {
        log.error("ignite: " + msg, e);
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
