package org.processhub.runtime.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated frames: {@link WireCodec#decode} may only return a message or throw
 * {@link WireFormatException}. Reproduce a failure with {@code -Dwire.fuzz.seed=<seed from the message>}.
 */
class WireCodecFuzzTest {
    private static final int RANDOM_FRAMES = 200_000;
    private static final int MUTATED_FRAMES = 200_000;
    private static final byte[] INTERESTING = {0, 1, 2, 0x7F, (byte) 0x80, (byte) 0xFF, (byte) 0xC0, (byte) 0xED,
        PayloadCodec.T_LIST, PayloadCodec.T_MAP};

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void onlyWireFormatExceptionEscapes() {
        long seed = Long.getLong("wire.fuzz.seed", 0x5048_2026L);
        Random rnd = new Random(seed);
        List<byte[]> corpus = new ArrayList<>();
        for (Message m : Samples.all()) {
            corpus.add(WireCodec.encode(m));
        }
        int[] outcomes = new int[2]; // decoded, rejected
        long start = System.nanoTime();

        for (int i = 0; i < RANDOM_FRAMES; i++) {
            byte[] frame = new byte[rnd.nextInt(513)];
            rnd.nextBytes(frame);
            if (i % 3 != 0 && frame.length >= 8) {
                // a valid header (and for a third, a short valid hub id) so the bytes reach the body decoders
                frame[0] = 0x50;
                frame[1] = 0x48;
                frame[2] = (byte) WireCodec.VERSION;
                frame[3] = (byte) (1 + rnd.nextInt(12));
                if (i % 3 == 2) {
                    frame[4] = 3;
                    frame[5] = 'h';
                    frame[6] = 'u';
                    frame[7] = 'b';
                }
            }
            decode(frame, seed, "random #" + i, outcomes);
        }
        for (int i = 0; i < MUTATED_FRAMES; i++) {
            byte[] frame = corpus.get(rnd.nextInt(corpus.size()));
            int mutations = 1 + rnd.nextInt(4);
            for (int k = 0; k < mutations; k++) {
                frame = mutate(frame, rnd);
            }
            decode(frame, seed, "mutated #" + i, outcomes);
        }

        long nanos = System.nanoTime() - start;
        int total = RANDOM_FRAMES + MUTATED_FRAMES;
        System.out.printf("wire fuzz seed %d: %d frames (%d decoded, %d rejected) in %d ms, %.0f frames/s%n",
                seed, total, outcomes[0], outcomes[1], nanos / 1_000_000, total / (nanos / 1e9));
        assertThat(outcomes[0]).as("some mutations still decode (seed %d)", seed).isPositive();
        assertThat(outcomes[1]).as("seed %d", seed).isPositive();
    }

    private static void decode(byte[] frame, long seed, String which, int[] outcomes) {
        try {
            WireCodec.decode(frame);
            outcomes[0]++;
        } catch (WireFormatException expected) {
            outcomes[1]++;
        } catch (Throwable t) {
            throw new AssertionError("decode threw " + t + " for " + which + " with seed " + seed + ", frame "
                    + HexFormat.of().formatHex(frame), t);
        }
    }

    private static byte[] mutate(byte[] f, Random rnd) {
        if (f.length == 0) {
            return new byte[] {(byte) rnd.nextInt()};
        }
        int at = rnd.nextInt(f.length);
        switch (rnd.nextInt(6)) {
            case 0: { // bit flip
                byte[] g = f.clone();
                g[at] ^= (byte) (1 << rnd.nextInt(8));
                return g;
            }
            case 1: { // overwrite with a boundary value
                byte[] g = f.clone();
                g[at] = INTERESTING[rnd.nextInt(INTERESTING.length)];
                return g;
            }
            case 2: { // insert a byte
                byte[] g = new byte[f.length + 1];
                System.arraycopy(f, 0, g, 0, at);
                g[at] = (byte) rnd.nextInt();
                System.arraycopy(f, at, g, at + 1, f.length - at);
                return g;
            }
            case 3: { // delete a byte
                byte[] g = new byte[f.length - 1];
                System.arraycopy(f, 0, g, 0, at);
                System.arraycopy(f, at + 1, g, at, f.length - at - 1);
                return g;
            }
            case 4: { // duplicate a span
                int len = Math.min(1 + rnd.nextInt(16), f.length - at);
                byte[] g = new byte[f.length + len];
                System.arraycopy(f, 0, g, 0, at + len);
                System.arraycopy(f, at, g, at + len, f.length - at);
                return g;
            }
            default: { // random byte
                byte[] g = f.clone();
                g[at] = (byte) rnd.nextInt();
                return g;
            }
        }
    }
}
