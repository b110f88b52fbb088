package org.processhub.benchmarks.jmh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.processhub.api.ChildInfo;
import org.processhub.api.ChildSpec;
import org.processhub.api.HubProcess;
import org.processhub.api.NodeId;
import org.processhub.api.StartOptions;
import org.processhub.runtime.internal.cluster.FreePorts;
import org.processhub.runtime.internal.cluster.IgniteCluster;
import org.processhub.runtime.internal.cluster.NodeSettings;
import org.processhub.runtime.internal.hub.HubCore;
import org.processhub.runtime.internal.hub.HubSettings;
import org.processhub.runtime.internal.hub.HubStrategies;
import org.processhub.runtime.internal.log.Log;
import org.processhub.runtime.internal.strategy.ColdSwapStrategy;
import org.processhub.runtime.internal.strategy.ConsistentHashingStrategy;
import org.processhub.runtime.internal.strategy.DivergenceStrategy;
import org.processhub.runtime.internal.strategy.PubSubStrategy;
import org.processhub.runtime.internal.strategy.SingularityStrategy;

/**
 * Workload: a real one-node hub in this JVM (an embedded Ignite node on free loopback ports plus
 * {@link HubCore} with the default strategies, built as the runtime's own {@code TestCluster} does) running
 * {@code children} echo processes ({@code c0..}). Measured: {@code ProcessHub.childLookup} against a bare
 * {@link ConcurrentHashMap#get} of the same rows (the target is within 3× of it), {@code owners(id)}, and a
 * local {@code call} round trip (caller thread → the process's mailbox on the worker pool → reply future).
 *
 * <p>Run: {@code processhub.benchmarks/run.sh jmh LocalHubBenchmark} (the forks inherit Ignite's
 * {@code --add-opens} from run.sh).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseG1GC"})
public class LocalHubBenchmark {
    @Param({"100000"})
    int children;

    IgniteCluster cluster;
    HubCore hub;
    ConcurrentHashMap<String, ChildInfo> map;
    String[] keys;

    /** Each benchmark thread walks the keys in its own shuffled order. */
    @State(Scope.Thread)
    public static class Cursor {
        int next = ThreadLocalRandom.current().nextInt(1000);

        String key(String[] keys) {
            int i = next;
            next = i + 1 == keys.length ? 0 : i + 1;
            return keys[i];
        }
    }

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Log log = Log.stderr(Log.Level.WARN);
        cluster = IgniteCluster.start(NodeSettings.loopback("bench-1", FreePorts.range("127.0.0.1", 10), 9, FreePorts.range("127.0.0.1", 60), Duration.ofMillis(2000)), log);
        HubStrategies strategies = new HubStrategies(new ConsistentHashingStrategy(), new SingularityStrategy(),
                new ColdSwapStrategy(), new PubSubStrategy(), new DivergenceStrategy());
        hub = new HubCore(HubSettings.defaults("bench"), cluster, strategies,
                name -> Optional.of(spec -> new Echo()), log);
        hub.start();
        List<ChildSpec> specs = new ArrayList<>();
        keys = new String[children];
        for (int i = 0; i < children; i++) {
            specs.add(ChildSpec.of("c" + i, "echo"));
            keys[i] = "c" + i;
        }
        for (int from = 0; from < children; from += 10_000) {
            hub.startChildren(specs.subList(from, Math.min(children, from + 10_000)), StartOptions.DEFAULTS.withTimeout(Duration.ofMinutes(2)))
                    .toCompletableFuture().get(3, TimeUnit.MINUTES);
        }
        map = new ConcurrentHashMap<>();
        // keyed by the registry's own id strings, so both maps compare the looked-up key with an equal but
        // distinct string (keyed by keys[i], the bare map would win by identity: equals without reading the chars)
        for (String k : keys) {
            ChildInfo row = hub.childLookup(k).orElseThrow();
            map.put(row.childId(), row);
        }
        Shuffle.shuffle(keys);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hub.stop();
        cluster.close();
    }

    @Benchmark
    public ChildInfo bareMapGet(Cursor c) {
        return map.get(c.key(keys));
    }

    @Benchmark
    public Optional<ChildInfo> childLookup(Cursor c) {
        return hub.childLookup(c.key(keys));
    }

    @Benchmark
    public List<NodeId> owners(Cursor c) {
        return hub.owners(c.key(keys));
    }

    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    public Object localCall(Cursor c) throws Exception {
        return hub.call(c.key(keys), "ping", Duration.ofSeconds(5)).toCompletableFuture().get();
    }

    static final class Echo implements HubProcess {
        @Override
        public Object handleCall(Object message) {
            return message;
        }
    }
}
