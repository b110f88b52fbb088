package org.processhub.runtime.internal.osgi;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * On SIGTERM (JVM shutdown), stops the OSGi framework and waits for it, so every hub hands its children
 * over to the other nodes and leaves the cluster cleanly instead of being seen as crashed. The launcher
 * of the runnable jar does not do this itself. Enabled by the framework property
 * {@code processhub.shutdown.hook=true} (set in the runnable jar, not in embedded or test use).
 */
@Component(immediate = true, service = {})
public final class GracefulShutdown {
    static final String PROPERTY = "processhub.shutdown.hook";
    static final long WAIT_MS = 60_000;

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    private Thread hook;
    private volatile boolean stopping;

    @Activate
    void activate(BundleContext context) {
        if (!Boolean.parseBoolean(context.getProperty(PROPERTY))) return;
        if (!(context.getBundle(0) instanceof Framework framework)) return;
        hook = new Thread(() -> {
            if (stopping) return;
            stopping = true;
            logger.info("shutdown requested: stopping the node gracefully");
            try {
                framework.stop();
                framework.waitForStop(WAIT_MS);
            } catch (BundleException | InterruptedException | RuntimeException e) {
                logger.warn("graceful stop did not finish: {}", e.toString());
            }
        }, "processhub-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Deactivate
    void deactivate() {
        if (hook != null && !stopping) {
            stopping = true; // the framework is stopping by other means (e.g. end of the shell's input)
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook itself is what stops us
            }
        }
    }
}
