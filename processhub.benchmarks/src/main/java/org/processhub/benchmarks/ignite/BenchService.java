package org.processhub.benchmarks.ignite;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.ignite.services.Service;
import org.apache.ignite.services.ServiceContext;

/**
 * The tiny Ignite service of the side-by-side runs, as in the Service Grid anchor: {@code init()} and
 * {@code execute()} record their time on this node and return at once; calls echo. Deployed as cluster
 * singletons ({@code totalCount=1, maxPerNodeCount=1}).
 */
@SuppressWarnings("deprecation") // Service#init/execute/cancel(ServiceContext) are still what 2.17 invokes
public final class BenchService implements Service, Probe {
    private static final long serialVersionUID = 1L;
    /** Service name → nanoTime of execute() of the instance running here now. */
    static final ConcurrentHashMap<String, Long> LIVE = new ConcurrentHashMap<>();

    @Override
    public void init(ServiceContext ctx) {
        // the anchor's "init() counts"; the execute time is what "running" means below
    }

    @Override
    public void execute(ServiceContext ctx) {
        long t = System.nanoTime();
        LIVE.put(ctx.name(), t);
        IgniteSgNode.started(ctx.name(), t);
    }

    @Override
    public void cancel(ServiceContext ctx) {
        LIVE.remove(ctx.name());
    }

    @Override
    public Object ping(Object message) {
        return message;
    }
}
