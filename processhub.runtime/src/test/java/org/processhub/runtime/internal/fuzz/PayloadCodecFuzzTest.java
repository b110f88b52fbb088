package org.processhub.runtime.internal.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.processhub.api.Payloads;
import org.processhub.runtime.internal.wire.PayloadCodec;
import org.processhub.runtime.internal.wire.WireFormatException;
import org.processhub.runtime.internal.wire.WireInput;

/**
 * Coverage-guided fuzzing of the user-payload codec with Jazzer.
 *
 * <p>Properties, for any byte array:
 * <ul>
 *   <li>{@link PayloadCodec#decode} returns a value or throws {@link WireFormatException}, nothing else, and does
 *       not hang;
 *   <li>the value is an allowed payload ({@link Payloads#isAllowed}, and {@link Payloads#check} passes), with
 *       {@link ArrayList}s and {@link LinkedHashMap}s as the codec documents;
 *   <li>reading it with {@link PayloadCodec#read} from a slice of a larger array gives the same value, or the same
 *       error;
 *   <li>it re-encodes without an exception, decodes again to a structurally equal value, its encoding is a
 *       fixed point and never longer than the input.
 * </ul>
 *
 * <p>Seed corpus: {@code src/test/resources/org/processhub/runtime/internal/fuzz/PayloadCodecFuzzTestInputs/decode/}.
 */
class PayloadCodecFuzzTest {
    @FuzzTest(maxDuration = "15s")
    void decode(byte[] bytes) {
        Object v;
        try {
            v = PayloadCodec.decode(bytes);
        } catch (WireFormatException rejected) {
            String sliced = sliceError(bytes);
            if (!rejected.getMessage().equals(sliced)) {
                throw new AssertionError("error differs for the same bytes in a slice: '" + rejected.getMessage()
                        + "' vs '" + sliced + "' for " + WireDecoderFuzzTest.hex(bytes));
            }
            return;
        }
        if (!Payloads.isAllowed(v)) {
            throw new AssertionError("decoded a value Payloads refuses: " + v);
        }
        Payloads.check(v, "decoded payload");
        checkCollectionTypes(v, 0);
        Structural.assertSame(v, readSlice(bytes), "slice");

        byte[] encoded = PayloadCodec.encode(v); // must not throw for anything decode accepted
        Object again = PayloadCodec.decode(encoded);
        Structural.assertSame(v, again, "payload");
        byte[] reencoded = PayloadCodec.encode(again);
        if (!Arrays.equals(encoded, reencoded)) {
            throw new AssertionError("encoding is not a fixed point: " + WireDecoderFuzzTest.hex(encoded) + " then "
                    + WireDecoderFuzzTest.hex(reencoded));
        }
        if (encoded.length > bytes.length) {
            throw new AssertionError("re-encoding grew from " + bytes.length + " to " + encoded.length + " bytes");
        }
    }

    private static Object readSlice(byte[] bytes) {
        WireInput in = new WireInput(WireDecoderFuzzTest.padded(bytes), 3, bytes.length);
        Object v = PayloadCodec.read(in);
        in.expectEnd();
        return v;
    }

    private static String sliceError(byte[] bytes) {
        try {
            readSlice(bytes);
            return "<decoded>";
        } catch (WireFormatException e) {
            return e.getMessage();
        }
    }

    private static void checkCollectionTypes(Object v, int depth) {
        if (depth > Payloads.MAX_DEPTH) {
            throw new AssertionError("nested deeper than " + Payloads.MAX_DEPTH);
        }
        if (v instanceof List<?> list) {
            if (list.getClass() != ArrayList.class) {
                throw new AssertionError("decoded list is a " + list.getClass().getName());
            }
            for (Object e : list) {
                checkCollectionTypes(e, depth + 1);
            }
        } else if (v instanceof Map<?, ?> map) {
            if (map.getClass() != LinkedHashMap.class) {
                throw new AssertionError("decoded map is a " + map.getClass().getName());
            }
            for (Object e : map.values()) {
                checkCollectionTypes(e, depth + 1);
            }
        }
    }
}
