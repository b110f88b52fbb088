package org.processhub.runtime.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.processhub.api.InvalidPayloadException;
import org.processhub.api.Payloads;

class PayloadCodecTest {
    @Test
    void scalarsRoundTripWithTheirType() {
        Object[] values = {null, true, false, 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0L, -1L, Long.MIN_VALUE,
            Long.MAX_VALUE, 0.0, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, 3.14, "", "text",
            "ünïcødé ☃ \uD83D\uDE80", "x".repeat(100_000)};
        for (Object v : values) {
            Object back = PayloadCodec.decode(PayloadCodec.encode(v));
            assertThat(back).as("%s", v).isEqualTo(v);
            if (v != null) {
                assertThat(back).isExactlyInstanceOf(v.getClass());
            }
        }
        assertThat(PayloadCodec.decode(PayloadCodec.encode(1))).isNotEqualTo(1L);
    }

    @Test
    void byteArraysRoundTrip() {
        byte[] bytes = new byte[300];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        assertThat((byte[]) PayloadCodec.decode(PayloadCodec.encode(bytes))).isEqualTo(bytes);
        assertThat((byte[]) PayloadCodec.decode(PayloadCodec.encode(new byte[0]))).isEmpty();
    }

    @Test
    void nestedListsAndMapsRoundTripInOrder() {
        Map<String, Object> payload = Samples.nestedPayload();
        Object back = PayloadCodec.decode(PayloadCodec.encode(payload));
        assertThat(back).isEqualTo(payload).isInstanceOf(LinkedHashMap.class);
        assertThat(new ArrayList<Object>(((Map<?, ?>) back).keySet())).containsExactlyElementsOf(payload.keySet());
        assertThat(((Map<?, ?>) back).get("list")).isInstanceOf(ArrayList.class);

        Map<String, Object> reversed = new TreeMap<>(java.util.Comparator.reverseOrder());
        reversed.put("a", 1);
        reversed.put("b", 2);
        reversed.put("c", 3);
        assertThat(new ArrayList<Object>(((Map<?, ?>) PayloadCodec.decode(PayloadCodec.encode(reversed))).keySet()))
                .containsExactly("c", "b", "a");
    }

    @Test
    void byteArraysInsideContainersRoundTrip() {
        List<Object> list = Arrays.asList(new byte[] {1, 2}, Map.of("b", new byte[] {3}), null);
        List<?> back = (List<?>) PayloadCodec.decode(PayloadCodec.encode(list));
        assertThat((byte[]) back.get(0)).containsExactly(1, 2);
        assertThat((byte[]) ((Map<?, ?>) back.get(1)).get("b")).containsExactly(3);
        assertThat(back.get(2)).isNull();
    }

    @Test
    void nestingUpToTheLimitIsAccepted() {
        Object deepest = Samples.nest(Payloads.MAX_DEPTH, 1);
        assertThat(Payloads.isAllowed(deepest)).isTrue();
        assertThat(PayloadCodec.decode(PayloadCodec.encode(deepest))).isEqualTo(deepest);
    }

    @Test
    void nestingOverTheLimitIsRefusedOnEncode() {
        Object tooDeep = Samples.nest(Payloads.MAX_DEPTH + 1, 1);
        assertThat(Payloads.isAllowed(tooDeep)).as("same rule as Payloads").isFalse();
        assertThatThrownBy(() -> PayloadCodec.encode(tooDeep)).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("nested deeper than " + Payloads.MAX_DEPTH);
        Map<String, Object> deepMap = new HashMap<>();
        Map<String, Object> m = deepMap;
        for (int i = 0; i < Payloads.MAX_DEPTH; i++) {
            Map<String, Object> next = new HashMap<>();
            m.put("k", next);
            m = next;
        }
        assertThatThrownBy(() -> PayloadCodec.encode(deepMap)).isInstanceOf(InvalidPayloadException.class);
    }

    @Test
    void cyclicStructuresAreRefusedNotOverflowed() {
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        assertThatThrownBy(() -> PayloadCodec.encode(cyclic)).isInstanceOf(InvalidPayloadException.class);
    }

    @Test
    void nestingOverTheLimitIsRefusedOnDecode() {
        // 17 nested one-element lists around null, hand-made since the encoder refuses to write it
        byte[] frame = new byte[2 * (Payloads.MAX_DEPTH + 1) + 1];
        for (int i = 0; i <= Payloads.MAX_DEPTH; i++) {
            frame[2 * i] = PayloadCodec.T_LIST;
            frame[2 * i + 1] = 1;
        }
        frame[frame.length - 1] = PayloadCodec.T_NULL;
        assertThatThrownBy(() -> PayloadCodec.decode(frame)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("nested deeper than " + Payloads.MAX_DEPTH);
        byte[] oneLess = Arrays.copyOfRange(frame, 2, frame.length);
        assertThat(PayloadCodec.decode(oneLess)).isEqualTo(Samples.nest(Payloads.MAX_DEPTH, null));
    }

    @Test
    void hugeNestingClaimsDoNotOverflowTheStack() {
        byte[] frame = new byte[200_000];
        for (int i = 0; i < frame.length; i += 2) {
            frame[i] = PayloadCodec.T_LIST;
            frame[i + 1] = 1;
        }
        assertThatThrownBy(() -> PayloadCodec.decode(frame)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void disallowedTypesAreNamed() {
        Object[] bad = {new BigDecimal("1.5"), 1.5f, (short) 1, 'c', (byte) 1, new Object(), Set.of("a"),
            new int[] {1}, new StringBuilder("x")};
        for (Object v : bad) {
            assertThatThrownBy(() -> PayloadCodec.encode(v)).as("%s", v.getClass())
                    .isInstanceOf(InvalidPayloadException.class).hasMessageContaining(v.getClass().getName());
            assertThatThrownBy(() -> PayloadCodec.encode(List.of("ok", Map.of("k", v))))
                    .isInstanceOf(InvalidPayloadException.class).hasMessageContaining(v.getClass().getName());
        }
    }

    @Test
    void mapKeysMustBeStrings() {
        assertThatThrownBy(() -> PayloadCodec.encode(Map.of(1, "x"))).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("java.lang.Integer").hasMessageContaining("String keys");
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, 1);
        assertThatThrownBy(() -> PayloadCodec.encode(nullKey)).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("null");
    }

    @Test
    void unpairedSurrogateIsAnInvalidPayload() {
        assertThatThrownBy(() -> PayloadCodec.encode("bad \uD800")).isInstanceOf(InvalidPayloadException.class);
        assertThatThrownBy(() -> PayloadCodec.encode(Map.of("k\uDC00", 1))).isInstanceOf(InvalidPayloadException.class);
    }

    @Test
    void unknownTagsTruncationAndTrailingBytesAreFormatErrors() {
        assertThatThrownBy(() -> PayloadCodec.decode(new byte[] {10})).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("unknown payload tag 10 at offset 0");
        assertThatThrownBy(() -> PayloadCodec.decode(new byte[] {(byte) 0xFF}))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("255");
        assertThatThrownBy(() -> PayloadCodec.decode(new byte[0])).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> PayloadCodec.decode(new byte[] {0, 0})).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> PayloadCodec.decode(null)).isInstanceOf(WireFormatException.class);
        byte[] full = PayloadCodec.encode(Samples.nestedPayload());
        for (int len = 0; len < full.length; len++) {
            byte[] prefix = Arrays.copyOf(full, len);
            assertThatThrownBy(() -> PayloadCodec.decode(prefix)).as("prefix of %d bytes", len)
                    .isInstanceOf(WireFormatException.class);
        }
    }

    @Test
    void duplicateMapKeysAreRejected() {
        WireOutput out = new WireOutput();
        out.writeByte(PayloadCodec.T_MAP);
        out.writeVarInt(2);
        out.writeString("k");
        out.writeByte(PayloadCodec.T_NULL);
        out.writeString("k");
        out.writeByte(PayloadCodec.T_TRUE);
        assertThatThrownBy(() -> PayloadCodec.decode(out.toByteArray())).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("duplicate map key 'k'");
    }

    @Test
    void hugeCountsFailFast() {
        for (int tag : new int[] {PayloadCodec.T_LIST, PayloadCodec.T_MAP, PayloadCodec.T_STRING,
            PayloadCodec.T_BYTES}) {
            WireOutput out = new WireOutput();
            out.writeByte(tag);
            out.writeVarInt(Integer.MAX_VALUE);
            out.writeBytes(new byte[9]);
            assertThatThrownBy(() -> PayloadCodec.decode(out.toByteArray())).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("2147483647");
        }
    }

    @Test
    void encodingIsDeterministicAndCompact() {
        assertThat(PayloadCodec.encode(null)).containsExactly(0);
        assertThat(PayloadCodec.encode(true)).containsExactly(2);
        assertThat(PayloadCodec.encode(-1)).containsExactly(3, 1);
        assertThat(PayloadCodec.encode(5L)).containsExactly(4, 10);
        assertThat(PayloadCodec.encode("hi")).containsExactly(6, 2, 'h', 'i');
        assertThat(PayloadCodec.encode(List.of(1))).containsExactly(8, 1, 3, 2);
        assertThat(PayloadCodec.encode(Map.of("a", false))).containsExactly(9, 1, 1, 'a', 1);
    }
}
