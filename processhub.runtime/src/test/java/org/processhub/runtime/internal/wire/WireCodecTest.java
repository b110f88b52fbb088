package org.processhub.runtime.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.processhub.runtime.internal.wire.Samples.A;
import static org.processhub.runtime.internal.wire.Samples.B;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.processhub.api.ChildSpec;
import org.processhub.api.ErrorCode;
import org.processhub.api.InvalidPayloadException;
import org.processhub.api.RestartPolicy;
import org.processhub.runtime.internal.wire.Message.Call;
import org.processhub.runtime.internal.wire.Message.CallReply;
import org.processhub.runtime.internal.wire.Message.Insert;
import org.processhub.runtime.internal.wire.Message.Leave;
import org.processhub.runtime.internal.wire.Message.RegistryDelta;
import org.processhub.runtime.internal.wire.Message.StartItem;
import org.processhub.runtime.internal.wire.Message.StartReply;
import org.processhub.runtime.internal.wire.Message.StartRequest;
import org.processhub.runtime.internal.wire.Message.StopRequest;
import org.processhub.runtime.internal.wire.Message.SyncRow;
import org.processhub.runtime.internal.wire.Message.SyncSnapshot;
import org.processhub.runtime.internal.wire.Message.WhichReply;

/** Round trips and the encoder's contract. */
class WireCodecTest {
    static Stream<Message> comparableByEquals() {
        return Samples.comparableByEquals().stream();
    }

    static Stream<Message> withByteArrays() {
        return Samples.withByteArrays().stream();
    }

    @ParameterizedTest
    @MethodSource("comparableByEquals")
    void roundTripsEqual(Message m) {
        byte[] frame = WireCodec.encode(m);
        Message back = WireCodec.decode(frame);
        assertThat(back).isEqualTo(m).isExactlyInstanceOf(m.getClass());
        assertThat(WireCodec.encode(back)).as("re-encoding is byte-identical").isEqualTo(frame);
        assertThat(WireCodec.peekHubId(frame)).isEqualTo(m.hubId());
        assertThat(WireCodec.typeName(WireCodec.peekType(frame))).isEqualTo(m.getClass().getSimpleName());
    }

    @ParameterizedTest
    @MethodSource("withByteArrays")
    void roundTripsWithByteArraysCompareByContent(Message m) {
        byte[] frame = WireCodec.encode(m);
        Message back = WireCodec.decode(frame);
        // byte[] has identity equals: compare field by field, arrays by content
        assertThat(back).usingRecursiveComparison().isEqualTo(m);
        assertThat(WireCodec.encode(back)).isEqualTo(frame);
    }

    @Test
    void recursiveComparisonReallyLooksInsideByteArrays() {
        Message m = new Call("hub", 1, A, "c1", true, new byte[] {1, 2});
        Message other = new Call("hub", 1, A, "c1", true, new byte[] {1, 3});
        assertThat(WireCodec.decode(WireCodec.encode(m))).usingRecursiveComparison().isNotEqualTo(other);
    }

    @Test
    void samplesCoverEveryMessageTypeErrorCodeAndRestartPolicy() {
        Set<Class<?>> types = new HashSet<>();
        Set<ErrorCode> codes = EnumSet.noneOf(ErrorCode.class);
        Set<RestartPolicy> policies = EnumSet.noneOf(RestartPolicy.class);
        for (Message m : Samples.all()) {
            types.add(m.getClass());
            if (m instanceof CallReply r && r.error() != null) {
                codes.add(r.error());
            }
            if (m instanceof StartReply r) {
                r.results().forEach(i -> {
                    if (i.error() != null) codes.add(i.error());
                });
            }
            if (m instanceof StartRequest r) {
                r.items().forEach(i -> policies.add(i.spec().restart()));
            }
        }
        assertThat(types).containsExactlyInAnyOrder(Arrays.stream(Message.class.getPermittedSubclasses())
                .filter(c -> !c.isInterface()).toArray(Class<?>[]::new));
        assertThat(types).hasSize(15);
        assertThat(codes).containsExactlyInAnyOrder(ErrorCode.values());
        assertThat(policies).containsExactlyInAnyOrder(RestartPolicy.values());
    }

    @Test
    void typeNumbersAreStable() {
        // The numbers are part of the wire format: changing one breaks mixed-version clusters.
        assertThat(WireCodec.peekType(WireCodec.encode(new Leave("h", A)))).isEqualTo(2);
        assertThat(WireCodec.TYPE_ANNOUNCE).isEqualTo(1);
        assertThat(WireCodec.TYPE_CALL).isEqualTo(9);
        assertThat(WireCodec.TYPE_WHICH_REPLY).isEqualTo(12);
        assertThat(WireCodec.typeName(0)).isNull();
        assertThat(WireCodec.typeName(13)).isEqualTo("SyncRound");
        assertThat(WireCodec.typeName(15)).isEqualTo("SyncPull");
        assertThat(WireCodec.typeName(14)).isEqualTo("SyncDigest");
        assertThat(WireCodec.typeName(16)).isNull();
        byte[] frame = WireCodec.encode(new Leave("h", A));
        assertThat(Arrays.copyOf(frame, 7)).containsExactly(0x50, 0x48, 1, 2, 1, 'h', 14);
    }

    @Test
    void decodedCollectionsAreUnmodifiableAndPayloadsMutable() {
        Message m = WireCodec.decode(WireCodec.encode(new StartRequest("h", 1, A, false, 0, 0, List.of(
                new StartItem(ChildSpec.of("c", "f"), Map.of("k", "v"), List.of(A), true, List.of(1, 2))))));
        StartRequest r = (StartRequest) m;
        assertThatThrownBy(() -> r.items().clear()).isInstanceOf(UnsupportedOperationException.class);
        StartItem item = r.items().get(0);
        assertThatThrownBy(() -> item.metadata().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> item.assigned().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(item.handoverState()).isInstanceOf(ArrayList.class);
    }

    @Test
    void decodesASliceOfALargerBuffer() {
        byte[] frame = WireCodec.encode(new Leave("hub", B));
        byte[] buf = new byte[frame.length + 10];
        System.arraycopy(frame, 0, buf, 5, frame.length);
        assertThat(WireCodec.decode(buf, 5, frame.length)).isEqualTo(new Leave("hub", B));
        assertThatThrownBy(() -> WireCodec.decode(buf, 5, frame.length + 1)).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> WireCodec.decode(buf, 20, frame.length)).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> WireCodec.decode(buf, -1, 2)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void encodeAppendsToAGivenOutput() {
        WireOutput out = new WireOutput();
        WireCodec.encode(new Leave("hub", A), out);
        int first = out.size();
        WireCodec.encode(new Leave("hub", B), out);
        byte[] both = out.toByteArray();
        assertThat(WireCodec.decode(both, 0, first)).isEqualTo(new Leave("hub", A));
        assertThat(WireCodec.decode(both, first, both.length - first)).isEqualTo(new Leave("hub", B));
    }

    @Test
    void hubIdLongerThanTheMaximumIsNotEncoded() {
        assertThat(WireCodec.decode(WireCodec.encode(new Leave(Samples.MAX_HUB, A))).hubId())
                .hasSize(WireCodec.MAX_HUB_ID);
        assertThatThrownBy(() -> WireCodec.encode(new Leave("h".repeat(256), A)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("255");
    }

    @Test
    void nullRequiredFieldsAreNamed() {
        assertThatThrownBy(() -> WireCodec.encode(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> WireCodec.encode(new Leave(null, A))).isInstanceOf(NullPointerException.class)
                .hasMessage("Leave.hubId");
        assertThatThrownBy(() -> WireCodec.encode(new Leave("h", null))).isInstanceOf(NullPointerException.class)
                .hasMessage("Leave.node");
        assertThatThrownBy(() -> WireCodec.encode(new Call("h", 1, A, null, true, null)))
                .isInstanceOf(NullPointerException.class).hasMessage("Call.childId");
        assertThatThrownBy(() -> WireCodec.encode(new StopRequest("h", 1, A, null)))
                .isInstanceOf(NullPointerException.class).hasMessage("StopRequest.childIds");
        assertThatThrownBy(() -> WireCodec.encode(new StopRequest("h", 1, A, Arrays.asList("a", null))))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("StopRequest.childIds");
        assertThatThrownBy(() -> WireCodec.encode(new RegistryDelta("h", A, List.of(), Arrays.asList(
                new Insert(ChildSpec.of("c", "f"), null, A, 1))))).isInstanceOf(NullPointerException.class)
                .hasMessage("Insert.metadata");
        assertThatThrownBy(() -> WireCodec.encode(new SyncSnapshot("h", A, 1, 1, 1, true, List.of(
                new SyncRow(null, Map.of(), 1))))).isInstanceOf(NullPointerException.class)
                .hasMessage("SyncRow.spec");
        assertThatThrownBy(() -> WireCodec.encode(new WhichReply("h", 1, A, null)))
                .isInstanceOf(NullPointerException.class).hasMessage("WhichReply.running");
    }

    @Test
    void disallowedPayloadsAreRefused() {
        assertThatThrownBy(() -> WireCodec.encode(new Call("h", 1, A, "c", true, new Object())))
                .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> WireCodec.encode(new CallReply("h", 1, null, null, Map.of("k", 1.5f))))
                .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("java.lang.Float");
        assertThatThrownBy(() -> WireCodec.encode(new StartRequest("h", 1, A, false, 0, 0, List.of(
                new StartItem(ChildSpec.of("c", "f"), Map.of(), List.of(), true, Set.of(1))))))
                .isInstanceOf(InvalidPayloadException.class);
    }

    @Test
    void unpairedSurrogatesInIdsAreRefused() {
        assertThatThrownBy(() -> WireCodec.encode(new Call("h", 1, A, "c\uD800", true, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }
}
