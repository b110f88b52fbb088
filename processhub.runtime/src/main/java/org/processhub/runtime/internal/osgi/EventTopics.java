package org.processhub.runtime.internal.osgi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.processhub.api.hook.Hook;

/**
 * The hook topics some EventAdmin handler subscribes to ({@code event.topics} of the registered
 * {@code EventHandler} services), so hooks nobody listens to are not built and posted: posting every
 * registry change cost a quarter of the CPU of a large start.
 */
final class EventTopics {
    private final Map<Object, List<String>> byHandler = new ConcurrentHashMap<>();
    private volatile Set<Hook<?>> wanted = Set.of();

    /** A handler (keyed by its service id) subscribes to {@code topics}: a String, String[] or Collection. */
    void put(Object handler, Object topics) {
        byHandler.put(handler, patterns(topics));
        recompute();
    }

    void remove(Object handler) {
        byHandler.remove(handler);
        recompute();
    }

    boolean wants(Hook<?> hook) {
        return wanted.contains(hook);
    }

    private synchronized void recompute() {
        Set<Hook<?>> next = new java.util.HashSet<>();
        for (Hook<?> hook : Hook.all()) {
            for (List<String> patterns : byHandler.values()) {
                if (patterns.stream().anyMatch(p -> matches(p, hook.topic()))) next.add(hook);
            }
        }
        wanted = Set.copyOf(next);
    }

    /** EventAdmin's topic syntax: an exact topic, {@code *}, or a prefix ending in {@code /*}. */
    static boolean matches(String pattern, String topic) {
        if (pattern.equals("*") || pattern.equals(topic)) return true;
        return pattern.endsWith("/*") && topic.startsWith(pattern.substring(0, pattern.length() - 1));
    }

    private static List<String> patterns(Object topics) {
        List<String> out = new ArrayList<>();
        if (topics instanceof String s) out.add(s);
        else if (topics instanceof String[] a) out.addAll(List.of(a));
        else if (topics instanceof Collection<?> c) c.forEach(x -> out.add(String.valueOf(x)));
        return out;
    }
}
