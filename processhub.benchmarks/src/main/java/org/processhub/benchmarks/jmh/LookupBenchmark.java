package org.processhub.benchmarks.jmh;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.processhub.api.ChildInfo;
import org.processhub.api.ChildSpec;
import org.processhub.api.NodeId;
import org.processhub.api.ProcessRef;
import org.processhub.runtime.internal.registry.Registry;

/**
 * Workload: a registry replica ({@link Registry}) holding {@code size} rows (ids {@code c0..}, one instance
 * each), looked up by ids cycling through a shuffled order; the baseline is a bare
 * {@link ConcurrentHashMap#get} on the same keys and rows. {@code registryRow} is what a lookup costs inside
 * the runtime; {@code registryGet} adds the {@link Optional}. The full API path
 * ({@code ProcessHub.childLookup}) is in {@link LocalHubBenchmark}.
 *
 * <p>Run: {@code processhub.benchmarks/run.sh jmh LookupBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LookupBenchmark {
    @Param({"100000"})
    int size;

    Registry registry;
    ConcurrentHashMap<String, ChildInfo> map;
    String[] keys;
    int next;

    @Setup
    public void setup() {
        NodeId node = NodeId.of("n1");
        registry = new Registry("bench", new Registry.Listener() {
            public void inserted(String childId, List<ProcessRef> refs) {}

            public void removed(String childId, List<NodeId> nodes) {}
        });
        map = new ConcurrentHashMap<>();
        keys = new String[size];
        for (int i = 0; i < size; i++) {
            ChildSpec spec = ChildSpec.of("c" + i, "bench");
            registry.insert(spec, Map.of(), node, i + 1);
            map.put(spec.id(), registry.row(spec.id()));
            keys[i] = spec.id();
        }
        Shuffle.shuffle(keys);
    }

    private String key() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        return keys[i];
    }

    @Benchmark
    public ChildInfo bareMapGet() {
        return map.get(key());
    }

    @Benchmark
    public ChildInfo registryRow() {
        return registry.row(key());
    }

    @Benchmark
    public Optional<ChildInfo> registryGet() {
        return registry.get(key());
    }
}
