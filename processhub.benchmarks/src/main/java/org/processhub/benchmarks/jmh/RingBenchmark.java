package org.processhub.benchmarks.jmh;

import java.util.ArrayList;
import java.util.List;
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
import org.processhub.api.NodeId;
import org.processhub.benchmarks.placement.PlacementStudy;
import org.processhub.runtime.internal.ring.HashRing;
import org.processhub.runtime.internal.ring.Hashing;

/**
 * Workload: placement lookups for 100k child ids ({@code s_0..}, shuffled) on a ring of {@code nodes} members
 * ({@code n1..}) with {@code vnodes} virtual nodes each: the primary owner, the first two owners (replication
 * 2), and, for comparison, rendezvous hashing over the same 64-bit hash ({@link PlacementStudy}); plus
 * building the ring (done on every membership change).
 *
 * <p>Run: {@code processhub.benchmarks/run.sh jmh RingBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingBenchmark {
    @Param({"3", "10"})
    int nodes;

    @Param({"1024", "8192", "16384"})
    int vnodes;

    List<NodeId> members;
    HashRing ring;
    long[] nodeHashes;
    String[] keys;
    int next;

    @Setup
    public void setup() {
        members = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) members.add(NodeId.of("n" + i));
        ring = new HashRing(members, vnodes);
        nodeHashes = new long[nodes];
        for (int i = 0; i < nodes; i++) nodeHashes[i] = Hashing.hash64(ring.members().get(i).name());
        keys = new String[100_000];
        for (int i = 0; i < keys.length; i++) keys[i] = "s_" + i;
        Shuffle.shuffle(keys);
    }

    private String key() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        return keys[i];
    }

    @Benchmark
    public NodeId owner() {
        return ring.owner(key());
    }

    @Benchmark
    public List<NodeId> owners2() {
        return ring.owners(key(), 2);
    }

    @Benchmark
    public int rendezvousOwner() {
        return PlacementStudy.Rendezvous.owner(Hashing.hash64(key()), nodeHashes);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public HashRing build() {
        return new HashRing(members, vnodes);
    }
}
