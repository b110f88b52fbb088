package org.processhub.benchmarks.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.processhub.api.ChildSpec;
import org.processhub.api.NodeId;
import org.processhub.runtime.internal.wire.Message;
import org.processhub.runtime.internal.wire.Message.Call;
import org.processhub.runtime.internal.wire.Message.CallReply;
import org.processhub.runtime.internal.wire.Message.Insert;
import org.processhub.runtime.internal.wire.Message.RegistryDelta;
import org.processhub.runtime.internal.wire.Message.RegistryOp;
import org.processhub.runtime.internal.wire.Message.StartItem;
import org.processhub.runtime.internal.wire.Message.StartRequest;
import org.processhub.runtime.internal.wire.WireCodec;

/**
 * Workload: the hub protocol codec ({@link WireCodec}) on the messages that carry user traffic and bulk
 * starts: a call with a short string payload and its reply (per message), a start request of 1000 children
 * (one batch to one node) and a registry delta of 1000 inserts (what one node tells the others after
 * starting them). Results are per message.
 *
 * <p>Run: {@code processhub.benchmarks/run.sh jmh CodecBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    static final NodeId A = NodeId.of("n1");
    static final NodeId B = NodeId.of("n2");
    Call call;
    CallReply reply;
    StartRequest start;
    RegistryDelta delta;
    byte[] callFrame;
    byte[] replyFrame;
    byte[] startFrame;
    byte[] deltaFrame;

    @Setup
    public void setup() {
        call = new Call("default", 123_456, A, "s_4711", true, "ping");
        reply = new CallReply("default", 123_456, null, null, "ping");
        List<StartItem> items = new ArrayList<>();
        List<RegistryOp> ops = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ChildSpec spec = ChildSpec.of("s_" + i, "bench");
            items.add(new StartItem(spec, Map.of(), List.of(B), false, null));
            ops.add(new Insert(spec, Map.of(), B, 1_700_000_000_000_000L + i));
        }
        start = new StartRequest("default", 7, A, false, 0, 10_000, items);
        delta = new RegistryDelta("default", B, List.of(A, B), ops);
        callFrame = WireCodec.encode(call);
        replyFrame = WireCodec.encode(reply);
        startFrame = WireCodec.encode(start);
        deltaFrame = WireCodec.encode(delta);
    }

    @Benchmark
    public byte[] encodeCall() {
        return WireCodec.encode(call);
    }

    @Benchmark
    public Message decodeCall() {
        return WireCodec.decode(callFrame);
    }

    @Benchmark
    public byte[] encodeCallReply() {
        return WireCodec.encode(reply);
    }

    @Benchmark
    public Message decodeCallReply() {
        return WireCodec.decode(replyFrame);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] encodeStartRequest1000() {
        return WireCodec.encode(start);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Message decodeStartRequest1000() {
        return WireCodec.decode(startFrame);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] encodeRegistryDelta1000() {
        return WireCodec.encode(delta);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Message decodeRegistryDelta1000() {
        return WireCodec.decode(deltaFrame);
    }
}
