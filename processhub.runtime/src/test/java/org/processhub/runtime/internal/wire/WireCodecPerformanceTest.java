package org.processhub.runtime.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.processhub.runtime.internal.wire.Samples.A;
import static org.processhub.runtime.internal.wire.Samples.B;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.processhub.api.ChildSpec;
import org.processhub.runtime.internal.wire.Message.Call;
import org.processhub.runtime.internal.wire.Message.StartItem;
import org.processhub.runtime.internal.wire.Message.StartRequest;

/**
 * A sanity bound, not a benchmark: the best of many runs must stay well inside the budget even on a loaded
 * machine, so a regression by an order of magnitude fails while noise does not.
 */
class WireCodecPerformanceTest {
    @Test
    void startRequestWithAThousandChildrenTakesWellUnderAMillisecond() {
        List<StartItem> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add(new StartItem(ChildSpec.of("child-" + i, "worker", Map.of("n", (long) i)), Map.of(),
                    List.of(i % 2 == 0 ? A : B), false, null));
        }
        StartRequest request = new StartRequest("hub", 1, A, false, 0, 5000, items);
        byte[] frame = WireCodec.encode(request);
        assertThat(WireCodec.decode(frame)).isEqualTo(request);

        long[] encode = new long[300];
        long[] decode = new long[300];
        for (int round = 0; round < 10; round++) { // the first rounds warm the JIT up
            for (int i = 0; i < encode.length; i++) {
                long t0 = System.nanoTime();
                byte[] f = WireCodec.encode(request);
                long t1 = System.nanoTime();
                Message m = WireCodec.decode(f);
                long t2 = System.nanoTime();
                encode[i] = t1 - t0;
                decode[i] = t2 - t1;
                assertThat(m).isNotNull();
            }
        }
        Arrays.sort(encode);
        Arrays.sort(decode);
        System.out.printf("StartRequest, 1000 children, %d bytes: encode best %d µs median %d µs; "
                + "decode best %d µs median %d µs%n", frame.length, encode[0] / 1000, encode[encode.length / 2] / 1000,
                decode[0] / 1000, decode[decode.length / 2] / 1000);
        assertThat(encode[0]).as("best encode, ns").isLessThan(1_000_000);
        assertThat(decode[0]).as("best decode, ns").isLessThan(1_000_000);
    }

    @Test
    void smallCallThroughput() {
        Call call = new Call("hub", 123_456, A, "counter-17", true, Map.of("op", "inc", "by", 1L));
        int n = 300_000;
        long t0 = System.nanoTime();
        int sink = 0;
        for (int i = 0; i < n; i++) {
            sink += WireCodec.encode(call).length;
        }
        long t1 = System.nanoTime();
        byte[] frame = WireCodec.encode(call);
        for (int i = 0; i < n; i++) {
            sink += WireCodec.decode(frame).hubId().length();
        }
        long t2 = System.nanoTime();
        System.out.printf("Call (%d bytes): encode %.2f M msg/s, decode %.2f M msg/s (incl. warm-up)%n",
                frame.length, n / ((t1 - t0) / 1e3), n / ((t2 - t1) / 1e3));
        assertThat(sink).isPositive();
    }
}
