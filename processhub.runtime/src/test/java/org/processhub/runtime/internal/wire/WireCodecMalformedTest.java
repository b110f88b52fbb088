package org.processhub.runtime.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.processhub.runtime.internal.wire.Samples.A;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.processhub.api.ErrorCode;
import org.processhub.api.Payloads;
import org.processhub.api.RestartPolicy;
import org.processhub.runtime.internal.wire.Message.Leave;

/** Bad frames, mostly hand-built field by field so the defect sits exactly where the test says. */
class WireCodecMalformedTest {
    @Test
    void everyProperPrefixOfEveryValidFrameIsRejected() {
        int checked = 0;
        for (Message m : Samples.all()) {
            byte[] frame = WireCodec.encode(m);
            for (int len = 0; len < frame.length; len++) {
                byte[] prefix = Arrays.copyOf(frame, len);
                assertThatThrownBy(() -> WireCodec.decode(prefix))
                        .as("%s cut to %d of %d bytes", m.getClass().getSimpleName(), len, frame.length)
                        .isInstanceOf(WireFormatException.class);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10_000);
    }

    @Test
    void wrongMagicIsRejected() {
        byte[] frame = WireCodec.encode(new Leave("hub", A));
        frame[1] = 'X';
        decodeFails(frame).hasMessageContaining("bad magic 0x50 0x58");
        assertThatThrownBy(() -> WireCodec.peekType(frame)).isInstanceOf(WireFormatException.class);
        decodeFails(new byte[] {'G', 'E', 'T', ' ', '/'}).hasMessageContaining("not a hub frame");
        decodeFails(new byte[] {'G'}).hasMessageContaining("bad magic 0x47");
    }

    @Test
    void otherVersionsAreRejectedNamingBoth() {
        byte[] frame = WireCodec.encode(new Leave("hub", A));
        frame[2] = 2;
        decodeFails(frame).hasMessageContaining("version 2").hasMessageContaining("supports version 1");
        assertThatThrownBy(() -> WireCodec.peekHubId(frame)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("version 2");
        frame[2] = 0;
        decodeFails(frame).hasMessageContaining("version 0");
    }

    @Test
    void unknownMessageTypesAreRejected() {
        for (int type : new int[] {0, 16, 127, 255}) {
            byte[] frame = WireCodec.encode(new Leave("hub", A));
            frame[3] = (byte) type;
            decodeFails(frame).hasMessageContaining("unknown message type " + type);
            assertThatThrownBy(() -> WireCodec.peekType(frame)).isInstanceOf(WireFormatException.class);
        }
    }

    @Test
    void trailingBytesAreRejected() {
        for (Message m : Samples.all()) {
            byte[] frame = WireCodec.encode(m);
            byte[] longer = Arrays.copyOf(frame, frame.length + 1);
            decodeFails(longer).hasMessageContaining("1 trailing bytes");
        }
    }

    @Test
    void peekReadsOnlyTheHeader() {
        byte[] frame = WireCodec.encode(new Leave("hub-7", A));
        byte[] headerOnly = Arrays.copyOf(frame, 4 + 1 + 5);
        assertThat(WireCodec.peekType(headerOnly)).isEqualTo(WireCodec.TYPE_LEAVE);
        assertThat(WireCodec.peekHubId(headerOnly)).isEqualTo("hub-7");
        assertThatThrownBy(() -> WireCodec.peekHubId(Arrays.copyOf(frame, 8))).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> WireCodec.peekType(new byte[3])).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> WireCodec.peekType(null)).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> WireCodec.peekHubId(null)).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> WireCodec.decode(null)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void hubIdOverTheMaximumIsRejected() {
        WireOutput out = header(WireCodec.TYPE_LEAVE, null);
        out.writeString("h".repeat(256));
        out.writeString("node");
        decodeFails(out.toByteArray()).hasMessageContaining("hubId").hasMessageContaining("limit");
        assertThatThrownBy(() -> WireCodec.peekHubId(out.toByteArray())).isInstanceOf(WireFormatException.class);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void hugeCountsFailFastWithoutAllocating() {
        int[] huge = {Integer.MAX_VALUE, Integer.MIN_VALUE /* 2^31 as unsigned */, -1, 1 << 30, 11};
        for (int count : huge) {
            // StopRequest whose childIds list claims `count` elements, with 10 bytes left
            WireOutput out = header(WireCodec.TYPE_STOP_REQUEST, "hub");
            out.writeSignedVarLong(1);
            out.writeString("node");
            out.writeVarInt(count);
            for (int i = 0; i < 5; i++) {
                out.writeString("c");
            }
            decodeFails(out.toByteArray()).hasMessageContaining("childIds count " + Integer.toUnsignedString(count))
                    .hasMessageContaining("cannot fit in the 10 bytes left");
        }
        // every collection of every type, patched to Integer.MAX_VALUE
        for (Consumer<WireOutput> prefix : List.<Consumer<WireOutput>>of(
                o -> { header(o, WireCodec.TYPE_ANNOUNCE); o.writeString("n"); o.writeBoolean(true);
                    o.writeSignedVarLong(1); },
                o -> { header(o, WireCodec.TYPE_START_REQUEST); o.writeSignedVarLong(1); o.writeString("n");
                    o.writeBoolean(false); o.writeSignedVarInt(0); o.writeSignedVarLong(0); },
                o -> { header(o, WireCodec.TYPE_START_REPLY); o.writeSignedVarLong(1); o.writeString("n"); },
                o -> { header(o, WireCodec.TYPE_STOP_REPLY); o.writeSignedVarLong(1); o.writeString("n"); },
                o -> { header(o, WireCodec.TYPE_REGISTRY_DELTA); o.writeString("n"); },
                o -> { header(o, WireCodec.TYPE_REGISTRY_DELTA); o.writeString("n"); o.writeVarInt(0); },
                o -> { header(o, WireCodec.TYPE_SYNC_SNAPSHOT); o.writeString("n"); o.writeSignedVarLong(1);
                    o.writeSignedVarLong(1); o.writeSignedVarInt(0); o.writeBoolean(true); },
                o -> { header(o, WireCodec.TYPE_WHICH_REPLY); o.writeSignedVarLong(1); o.writeString("n"); },
                o -> { header(o, WireCodec.TYPE_CALL); o.writeSignedVarLong(1); o.writeString("n");
                    o.writeString("c"); o.writeBoolean(true); o.writeByte(PayloadCodec.T_LIST); },
                o -> { header(o, WireCodec.TYPE_CALL); o.writeSignedVarLong(1); o.writeString("n");
                    o.writeString("c"); o.writeBoolean(true); o.writeByte(PayloadCodec.T_MAP); },
                o -> { header(o, WireCodec.TYPE_CALL_REPLY); o.writeSignedVarLong(1); o.writeByte(0);
                    o.writeByte(0); o.writeByte(PayloadCodec.T_BYTES); },
                o -> { header(o, WireCodec.TYPE_CALL); o.writeSignedVarLong(1); o.writeString("n"); })) {
            WireOutput out = new WireOutput();
            prefix.accept(out);
            out.writeVarInt(Integer.MAX_VALUE);
            out.writeBytes(new byte[9]);
            decodeFails(out.toByteArray()).hasMessageContaining("2147483647");
        }
        WireOutput message = header(WireCodec.TYPE_CALL_REPLY, "hub"); // nullable string: length + 1
        message.writeSignedVarLong(1);
        message.writeByte(0);
        message.writeVarInt(Integer.MAX_VALUE);
        message.writeBytes(new byte[9]);
        decodeFails(message.toByteArray()).hasMessageContaining("message length 2147483646");
    }

    @Test
    void invalidUtf8AnywhereIsRejected() {
        byte[] cesu = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        WireOutput inHubId = header(WireCodec.TYPE_LEAVE, null);
        inHubId.writeVarInt(cesu.length);
        raw(inHubId, cesu);
        inHubId.writeString("n");
        decodeFails(inHubId.toByteArray()).hasMessageContaining("invalid UTF-8 in hubId");

        WireOutput inNode = header(WireCodec.TYPE_LEAVE, "hub");
        inNode.writeVarInt(2);
        raw(inNode, new byte[] {(byte) 0xC0, (byte) 0xAF});
        decodeFails(inNode.toByteArray()).hasMessageContaining("invalid UTF-8 in node name");

        WireOutput inMessage = header(WireCodec.TYPE_CALL_REPLY, "hub");
        inMessage.writeSignedVarLong(1);
        inMessage.writeByte(0);
        inMessage.writeVarInt(2); // nullable string: length + 1
        raw(inMessage, new byte[] {(byte) 0xFF});
        inMessage.writeByte(PayloadCodec.T_NULL);
        decodeFails(inMessage.toByteArray()).hasMessageContaining("invalid UTF-8 in message");
    }

    @Test
    void restartPolicyOrdinalIsRangeChecked() {
        for (int ordinal : new int[] {RestartPolicy.values().length, 127, 255}) {
            decodeFails(startRequestWithSpec("c1", "f", ordinal)).hasMessageContaining("unknown restart policy "
                    + ordinal);
        }
        for (RestartPolicy p : RestartPolicy.values()) {
            Message m = WireCodec.decode(startRequestWithSpec("c1", "f", p.ordinal()));
            assertThat(((Message.StartRequest) m).items().get(0).spec().restart()).isEqualTo(p);
        }
    }

    @Test
    void errorCodeIsRangeChecked() {
        int n = ErrorCode.values().length;
        for (int b : new int[] {n + 1, 200, 255}) {
            decodeFails(callReplyWithErrorByte(b)).hasMessageContaining("unknown error code " + b);
        }
        assertThat(((Message.CallReply) WireCodec.decode(callReplyWithErrorByte(n))).error())
                .isEqualTo(ErrorCode.values()[n - 1]);
        assertThat(((Message.CallReply) WireCodec.decode(callReplyWithErrorByte(0))).error()).isNull();
    }

    @Test
    void invalidNodeNamesAreRejected() {
        for (String name : new String[] {"", "   ", "\t"}) {
            WireOutput out = header(WireCodec.TYPE_LEAVE, "hub");
            out.writeString(name);
            decodeFails(out.toByteArray()).hasMessageContaining("invalid node name");
        }
        WireOutput tooLong = header(WireCodec.TYPE_LEAVE, "hub");
        tooLong.writeString("n".repeat(256));
        decodeFails(tooLong.toByteArray()).hasMessageContaining("node name");
    }

    @Test
    void invalidChildSpecsAreRejected() {
        // an argument pads the frame: an empty id makes the item smaller than any valid one
        decodeFails(startRequest("", "f", o -> { o.writeVarInt(1); o.writeString("a"); o.writeByte(0); }, 0))
                .hasMessageContaining("invalid child spec").hasMessageContaining("must not be empty");
        decodeFails(startRequestWithSpec("has space", "f", 0)).hasMessageContaining("whitespace");
        decodeFails(startRequestWithSpec("ctl\u0001", "f", 0)).hasMessageContaining("control");
        decodeFails(startRequestWithSpec("c".repeat(513), "f", 0)).hasMessageContaining("child id");
        decodeFails(startRequestWithSpec("c1", "bad factory!", 0)).hasMessageContaining("factory");
        decodeFails(startRequestWithSpec("c1", "", 0)).hasMessageContaining("factory");
        decodeFails(startRequestWithSpec("c1", "f".repeat(200), 0)).hasMessageContaining("factory");

        decodeFails(startRequestWithArgs(o -> { o.writeVarInt(1); o.writeString(""); o.writeByte(0); }))
                .hasMessageContaining("empty name");
        decodeFails(startRequestWithArgs(o -> { o.writeVarInt(2); o.writeString("a"); o.writeByte(0);
            o.writeString("a"); o.writeByte(0); })).hasMessageContaining("duplicate argument 'a'");
        decodeFails(startRequestWithArgs(o -> { o.writeVarInt(1); o.writeString("a"); o.writeByte(42); }))
                .hasMessageContaining("unknown payload tag 42");
    }

    @Test
    void duplicateMetadataKeysAreRejected() {
        WireOutput out = header(WireCodec.TYPE_ANNOUNCE, "hub");
        out.writeString("node");
        out.writeBoolean(true);
        out.writeSignedVarLong(0);
        out.writeVarInt(2);
        out.writeString("k");
        out.writeString("v1");
        out.writeString("k");
        out.writeString("v2");
        decodeFails(out.toByteArray()).hasMessageContaining("duplicate strategies key 'k'");
    }

    @Test
    void badBooleansAndOpTagsAreRejected() {
        WireOutput bool = header(WireCodec.TYPE_ANNOUNCE, "hub");
        bool.writeString("node");
        bool.writeByte(7);
        bool.writeSignedVarLong(0);
        bool.writeVarInt(0);
        decodeFails(bool.toByteArray()).hasMessageContaining("invalid boolean byte 7");

        WireOutput op = header(WireCodec.TYPE_REGISTRY_DELTA, "hub");
        op.writeString("node");
        op.writeVarInt(0);
        op.writeVarInt(1);
        op.writeByte(3);
        op.writeString("c1");
        op.writeString("node");
        op.writeSignedVarLong(1);
        decodeFails(op.toByteArray()).hasMessageContaining("unknown registry op tag 3");
    }

    @Test
    void deeplyNestedPayloadInAFrameIsRejectedWithoutStackOverflow() {
        WireOutput out = header(WireCodec.TYPE_CALL, "hub");
        out.writeSignedVarLong(1);
        out.writeString("node");
        out.writeString("c1");
        out.writeBoolean(true);
        for (int i = 0; i < 100_000; i++) {
            out.writeByte(PayloadCodec.T_LIST);
            out.writeVarInt(1);
        }
        out.writeByte(PayloadCodec.T_NULL);
        decodeFails(out.toByteArray()).hasMessageContaining("nested deeper than " + Payloads.MAX_DEPTH);
    }

    @Test
    void malformedVarIntInAFrameIsRejected() {
        WireOutput out = header(WireCodec.TYPE_WHICH_REQUEST, "hub");
        raw(out, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01});
        out.writeString("node");
        decodeFails(out.toByteArray()).hasMessageContaining("malformed varlong");
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static AbstractThrowableAssert<?, ? extends Throwable> decodeFails(byte[] frame) {
        return assertThatThrownBy(() -> WireCodec.decode(frame)).isInstanceOf(WireFormatException.class);
    }

    /** A header; hubId null means the caller writes the hub id itself. */
    private static WireOutput header(int type, String hubId) {
        WireOutput out = new WireOutput();
        out.writeByte(0x50);
        out.writeByte(0x48);
        out.writeByte(WireCodec.VERSION);
        out.writeByte(type);
        if (hubId != null) {
            out.writeString(hubId);
        }
        return out;
    }

    private static void header(WireOutput out, int type) {
        out.writeByte(0x50);
        out.writeByte(0x48);
        out.writeByte(WireCodec.VERSION);
        out.writeByte(type);
        out.writeString("hub");
    }

    private static void raw(WireOutput out, byte[] bytes) {
        for (byte b : bytes) {
            out.writeByte(b);
        }
    }

    /** A StartRequest with one item whose spec has these fields and no arguments. */
    private static byte[] startRequestWithSpec(String id, String factory, int restartOrdinal) {
        return startRequest(id, factory, o -> o.writeVarInt(0), restartOrdinal);
    }

    private static byte[] startRequestWithArgs(Consumer<WireOutput> args) {
        return startRequest("c1", "f", args, 0);
    }

    private static byte[] startRequest(String id, String factory, Consumer<WireOutput> args, int restartOrdinal) {
        WireOutput out = header(WireCodec.TYPE_START_REQUEST, "hub");
        out.writeSignedVarLong(1); // requestId
        out.writeString("node"); // origin
        out.writeBoolean(false); // migration
        out.writeSignedVarInt(0); // hops
        out.writeSignedVarLong(1000); // timeout
        out.writeVarInt(1); // items
        out.writeString(id);
        out.writeString(factory);
        args.accept(out);
        out.writeByte(restartOrdinal);
        out.writeVarInt(0); // metadata
        out.writeVarInt(0); // assigned
        out.writeBoolean(false); // hasHandover
        out.writeByte(PayloadCodec.T_NULL); // handoverState
        return out.toByteArray();
    }

    private static byte[] callReplyWithErrorByte(int errorByte) {
        WireOutput out = header(WireCodec.TYPE_CALL_REPLY, "hub");
        out.writeSignedVarLong(1);
        out.writeByte(errorByte);
        out.writeNullableString("m");
        out.writeByte(PayloadCodec.T_NULL);
        return out.toByteArray();
    }
}
