package org.processhub.runtime.internal.hooks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.processhub.api.DuplicateHookException;
import org.processhub.api.hook.Hook;
import org.processhub.api.hook.HookHandler;
import org.processhub.api.hook.Hooks;
import org.processhub.runtime.internal.log.Log;

/**
 * A hub's hook handlers. Registration may happen on any thread; {@link #fire} runs the handlers of a
 * hook synchronously on the calling (hub) thread, highest priority first, then hands the event to the
 * external {@link Sink} (EventAdmin). Handler lists are copy-on-write arrays, so firing takes no lock.
 */
public final class HookDispatcher implements Hooks {
    /** Receives fired hooks after the handlers ran, e.g. to post them to EventAdmin. */
    public interface Sink {
        /** Whether anyone listens for {@code hook} there (if not, it is neither built nor published). */
        boolean wants(Hook<?> hook);

        void publish(String hubId, Hook<?> hook, Object payload);
    }

    private record Entry(String id, int priority, long seq, HookHandler<Object> handler) {}

    private static final Entry[] NONE = new Entry[0];
    private final String hubId;
    private final Log log;
    private final Map<Hook<?>, Entry[]> handlers = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private volatile Sink sink;

    public HookDispatcher(String hubId, Log log) {
        this.hubId = hubId;
        this.log = log;
    }

    public void setSink(Sink sink) {
        this.sink = sink;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> void register(Hook<T> hook, String handlerId, int priority, HookHandler<? super T> handler) {
        if (hook == null || handlerId == null || handler == null) {
            throw new IllegalArgumentException("hook, handlerId and handler are required");
        }
        Entry e = new Entry(handlerId, priority, seq.incrementAndGet(), (HookHandler<Object>) handler);
        handlers.compute(hook, (h, old) -> {
            Entry[] cur = old == null ? NONE : old;
            for (Entry x : cur) {
                if (x.id.equals(handlerId)) {
                    throw new DuplicateHookException("hook " + hook.name() + " already has a handler with id '" + handlerId + "'");
                }
            }
            Entry[] next = Arrays.copyOf(cur, cur.length + 1);
            next[cur.length] = e;
            Arrays.sort(next, (a, b) -> a.priority != b.priority ? Integer.compare(b.priority, a.priority) : Long.compare(a.seq, b.seq));
            return next;
        });
    }

    @Override
    public boolean cancel(Hook<?> hook, String handlerId) {
        boolean[] removed = {false};
        handlers.computeIfPresent(hook, (h, cur) -> {
            List<Entry> keep = new ArrayList<>();
            for (Entry x : cur) {
                if (x.id.equals(handlerId)) removed[0] = true;
                else keep.add(x);
            }
            return keep.isEmpty() ? null : keep.toArray(NONE);
        });
        return removed[0];
    }

    @Override
    public List<String> handlerIds(Hook<?> hook) {
        return Arrays.stream(handlers.getOrDefault(hook, NONE)).map(Entry::id).toList();
    }

    /** True if firing {@code hook} would reach anyone: lets callers skip building payloads. */
    public boolean wanted(Hook<?> hook) {
        Sink s = sink;
        return handlers.containsKey(hook) || (s != null && s.wants(hook));
    }

    /** Runs the handlers of {@code hook} with {@code payload}; a failing handler is logged and skipped. */
    public <T> void fire(Hook<T> hook, T payload) {
        for (Entry e : handlers.getOrDefault(hook, NONE)) {
            try {
                e.handler.handle(payload);
            } catch (Exception | LinkageError ex) {
                log.warn("hub " + hubId + ": hook handler '" + e.id + "' for " + hook.name() + " failed: " + ex, ex);
            }
        }
        Sink s = sink;
        if (s != null && s.wants(hook)) {
            try {
                s.publish(hubId, hook, payload);
            } catch (RuntimeException ex) {
                log.warn("hub " + hubId + ": publishing hook " + hook.name() + " failed: " + ex, ex);
            }
        }
    }
}
