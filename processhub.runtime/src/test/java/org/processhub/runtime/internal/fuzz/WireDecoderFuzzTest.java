package org.processhub.runtime.internal.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.HexFormat;
import org.processhub.runtime.internal.wire.Message;
import org.processhub.runtime.internal.wire.WireCodec;
import org.processhub.runtime.internal.wire.WireFormatException;

/**
 * Coverage-guided fuzzing of the hub wire decoder with Jazzer.
 *
 * <p>Properties, for any byte array:
 * <ul>
 *   <li>{@link WireCodec#decode(byte[])} returns a message or throws {@link WireFormatException}, nothing else,
 *       and does not hang (libFuzzer's {@code -timeout});
 *   <li>decoding the same bytes as a slice of a larger array gives the same message, or the same error message
 *       (offsets in errors are relative to the slice);
 *   <li>{@link WireCodec#peekType}/{@link WireCodec#peekHubId} agree with the decoded message;
 *   <li>a decoded message re-encodes without an exception, decodes again to a structurally equal message
 *       ({@link Structural}: byte arrays by content, doubles by raw bits, map order), its encoding is a fixed
 *       point, and it is never longer than the input (the encoder writes minimal varints).
 * </ul>
 *
 * <p>The seed corpus is {@code src/test/resources/org/processhub/runtime/internal/fuzz/WireDecoderFuzzTestInputs/decode/}:
 * every {@code Samples} frame (see {@link SeedCorpusTest}), a few malformed frames, and any crash input found
 * since, which then runs as a regression input in every build. See {@code package-info.java} for how it runs.
 */
class WireDecoderFuzzTest {
    private static final int PAD_BEFORE = 3;
    private static final int PAD_AFTER = 2;

    @FuzzTest(maxDuration = "15s")
    void decode(byte[] frame) {
        Message m;
        try {
            m = WireCodec.decode(frame);
        } catch (WireFormatException rejected) {
            String sliced = sliceError(frame);
            if (!rejected.getMessage().equals(sliced)) {
                throw new AssertionError("error differs for the same bytes in a slice: '" + rejected.getMessage()
                        + "' vs '" + sliced + "' for " + hex(frame));
            }
            return;
        }
        Structural.assertSame(m, decodeSlice(frame), "slice");

        int type = WireCodec.peekType(frame);
        if (!m.getClass().getSimpleName().equals(WireCodec.typeName(type))) {
            throw new AssertionError("peekType " + type + " for a " + m.getClass().getSimpleName());
        }
        if (!m.hubId().equals(WireCodec.peekHubId(frame))) {
            throw new AssertionError("peekHubId differs from hubId " + m.hubId());
        }

        byte[] encoded = WireCodec.encode(m); // must not throw for anything decode accepted
        Message again = WireCodec.decode(encoded);
        Structural.assertSame(m, again, m.getClass().getSimpleName());
        byte[] reencoded = WireCodec.encode(again);
        if (!Arrays.equals(encoded, reencoded)) {
            throw new AssertionError("encoding is not a fixed point: " + hex(encoded) + " then " + hex(reencoded));
        }
        if (encoded.length > frame.length) {
            throw new AssertionError("re-encoding grew from " + frame.length + " to " + encoded.length + " bytes: "
                    + hex(frame) + " -> " + hex(encoded));
        }
    }

    private static Message decodeSlice(byte[] frame) {
        return WireCodec.decode(padded(frame), PAD_BEFORE, frame.length);
    }

    private static String sliceError(byte[] frame) {
        try {
            decodeSlice(frame);
            return "<decoded>";
        } catch (WireFormatException e) {
            return e.getMessage();
        }
    }

    /** The frame between bytes that would make a valid frame longer or break a string if read by mistake. */
    static byte[] padded(byte[] frame) {
        byte[] p = new byte[PAD_BEFORE + frame.length + PAD_AFTER];
        Arrays.fill(p, (byte) 0x80);
        System.arraycopy(frame, 0, p, PAD_BEFORE, frame.length);
        return p;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
