package org.processhub.runtime.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireIoTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455, 268_435_456,
        Integer.MAX_VALUE, -1, Integer.MIN_VALUE})
    void varIntsRoundTrip(int v) {
        WireOutput out = new WireOutput(0);
        out.writeVarInt(v);
        out.writeSignedVarInt(v);
        WireInput in = new WireInput(out.toByteArray());
        assertThat(in.readVarInt()).isEqualTo(v);
        assertThat(in.readSignedVarInt()).isEqualTo(v);
        in.expectEnd();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 127, 128, 1L << 35, (1L << 56) - 1, 1L << 56, (1L << 63) - 1, Long.MAX_VALUE, -1,
        Long.MIN_VALUE, 1_732_838_400_000L})
    void longsRoundTrip(long v) {
        WireOutput out = new WireOutput(1);
        out.writeVarLong(v);
        out.writeSignedVarLong(v);
        out.writeLong(v);
        WireInput in = new WireInput(out.toByteArray());
        assertThat(in.readVarLong()).isEqualTo(v);
        assertThat(in.readSignedVarLong()).isEqualTo(v);
        assertThat(in.readLong()).isEqualTo(v);
        in.expectEnd();
    }

    @Test
    void varIntSizes() {
        assertThat(sizeOfVarInt(0)).isEqualTo(1);
        assertThat(sizeOfVarInt(127)).isEqualTo(1);
        assertThat(sizeOfVarInt(128)).isEqualTo(2);
        assertThat(sizeOfVarInt(-1)).isEqualTo(5);
        WireOutput out = new WireOutput();
        out.writeSignedVarLong(-1);
        assertThat(out.size()).as("zigzag keeps small negatives short").isEqualTo(1);
        out.reset();
        out.writeVarLong(-1);
        assertThat(out.size()).isEqualTo(10);
    }

    @Test
    void doublesKeepTheirBits() {
        double[] values = {0.0, -0.0, 1.5, Double.NaN, Double.longBitsToDouble(0x7FF8_0000_0000_0001L),
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE};
        WireOutput out = new WireOutput();
        for (double d : values) {
            out.writeDouble(d);
        }
        WireInput in = new WireInput(out.toByteArray());
        for (double d : values) {
            assertThat(Double.doubleToRawLongBits(in.readDouble())).isEqualTo(Double.doubleToRawLongBits(d));
        }
    }

    @Test
    void stringsBooleansAndBytesRoundTrip() {
        String[] strings = {"", "a", "plain ascii", "é", "€uro", "\uD83D\uDE80 rocket", "mixed ☃ \uD83D\uDE00 x",
            "\u0000nul", "\uFFFF", "é".repeat(1000)};
        WireOutput out = new WireOutput(2);
        for (String s : strings) {
            out.writeString(s);
            out.writeNullableString(s);
        }
        out.writeNullableString(null);
        out.writeBoolean(true);
        out.writeBoolean(false);
        out.writeBytes(new byte[] {1, 2, 3});
        out.writeBytes(new byte[0]);
        out.writeByte(0xFE);
        WireInput in = new WireInput(out.toByteArray());
        for (String s : strings) {
            assertThat(in.readString()).isEqualTo(s);
            assertThat(in.readNullableString("s")).isEqualTo(s);
        }
        assertThat(in.readNullableString("s")).isNull();
        assertThat(in.readBoolean()).isTrue();
        assertThat(in.readBoolean()).isFalse();
        assertThat(in.readBytes()).containsExactly(1, 2, 3);
        assertThat(in.readBytes()).isEmpty();
        assertThat(in.readUnsignedByte()).isEqualTo(0xFE);
        assertThat(in.remaining()).isZero();
        in.expectEnd();
    }

    @Test
    void stringEncodingMatchesTheJdk() {
        String s = "a é € \uD83D\uDE80 \u07FF \u0800 \uFFFD";
        WireOutput out = new WireOutput();
        out.writeString(s);
        byte[] jdk = s.getBytes(StandardCharsets.UTF_8);
        byte[] ours = out.toByteArray();
        assertThat(ours[0]).isEqualTo((byte) jdk.length);
        assertThat(java.util.Arrays.copyOfRange(ours, 1, ours.length)).isEqualTo(jdk);
    }

    @Test
    void unpairedSurrogatesCannotBeWritten() {
        WireOutput out = new WireOutput();
        assertThatThrownBy(() -> out.writeString("x\uD83D")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate at index 1");
        assertThatThrownBy(() -> out.writeString("\uDE00x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.size()).as("nothing written").isZero();
    }

    @Test
    void readsSliceOfLargerArray() {
        byte[] buf = {9, 9, 3, 'a', 'b', 'c', 9};
        WireInput in = new WireInput(buf, 2, 4);
        assertThat(in.readString()).isEqualTo("abc");
        in.expectEnd();
        assertThatThrownBy(() -> new WireInput(buf, 5, 4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void truncationSaysWhatWasNeeded() {
        byte[] buf = new byte[20];
        WireInput in = new WireInput(buf);
        for (int i = 0; i < 17; i++) {
            in.readByte();
        }
        assertThatThrownBy(in::readLong).isInstanceOf(WireFormatException.class)
                .hasMessage("truncated frame: need 8 bytes at offset 17, 3 left");
        assertThat(in.offset()).as("failed read consumed nothing").isEqualTo(17);
    }

    @Test
    void everyReadFailsCleanlyOnEmptyInput() {
        Runnable[] reads = {
            () -> in().readByte(), () -> in().readUnsignedByte(), () -> in().readBoolean(),
            () -> in().readVarInt(), () -> in().readVarLong(), () -> in().readSignedVarInt(),
            () -> in().readSignedVarLong(), () -> in().readLong(), () -> in().readDouble(),
            () -> in().readString(), () -> in().readString(5, "x"), () -> in().readNullableString("x"),
            () -> in().readBytes(), () -> in().readCount(1, "x")};
        for (Runnable r : reads) {
            assertThatThrownBy(r::run).isInstanceOf(WireFormatException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void malformedVarIntsAreRejected() {
        byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00};
        assertThatThrownBy(() -> new WireInput(sixBytes).readVarInt()).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("malformed varint");
        byte[] overflow = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x10};
        assertThatThrownBy(() -> new WireInput(overflow).readVarInt()).isInstanceOf(WireFormatException.class);
        byte[] maxInt = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        assertThat(new WireInput(maxInt).readVarInt()).isEqualTo(-1);

        byte[] elevenBytes = new byte[11];
        java.util.Arrays.fill(elevenBytes, 0, 10, (byte) 0x80);
        assertThatThrownBy(() -> new WireInput(elevenBytes).readVarLong()).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("malformed varlong");
        byte[] longOverflow = new byte[10];
        java.util.Arrays.fill(longOverflow, 0, 9, (byte) 0xFF);
        longOverflow[9] = 0x02;
        assertThatThrownBy(() -> new WireInput(longOverflow).readVarLong()).isInstanceOf(WireFormatException.class);
        longOverflow[9] = 0x01;
        assertThat(new WireInput(longOverflow).readVarLong()).isEqualTo(-1L);

        byte[] unterminated = {(byte) 0x80, (byte) 0x80};
        assertThatThrownBy(() -> new WireInput(unterminated).readVarInt()).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void booleansMustBeZeroOrOne() {
        assertThatThrownBy(() -> new WireInput(new byte[] {2}).readBoolean()).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("invalid boolean byte 2 at offset 0");
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[][] bad = {
            {(byte) 0xC3, 0x28}, // bad continuation
            {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong 3-byte
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // encoded high surrogate (CESU-8)
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // 5-byte form
            {(byte) 0xE2, (byte) 0x82}, // cut multi-byte sequence
            {(byte) 0x80}, // lone continuation
            {(byte) 0xFF},
        };
        for (byte[] b : bad) {
            byte[] frame = new byte[b.length + 1];
            frame[0] = (byte) b.length;
            System.arraycopy(b, 0, frame, 1, b.length);
            assertThatThrownBy(() -> new WireInput(frame).readString()).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("invalid UTF-8");
        }
    }

    @Test
    void lengthsAndCountsMustFitInWhatRemains() {
        WireOutput out = new WireOutput();
        out.writeVarInt(Integer.MAX_VALUE);
        out.writeBytes(new byte[9]);
        byte[] frame = out.toByteArray();
        assertThatThrownBy(() -> new WireInput(frame).readString()).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("string length 2147483647 at offset 0 exceeds the 10 bytes left");
        assertThatThrownBy(() -> new WireInput(frame).readBytes()).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> new WireInput(frame).readCount(1, "list")).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("list count 2147483647 at offset 0 cannot fit in the 10 bytes left");

        // 2^31 reads back negative: must be rejected too, not used as a size
        byte[] twoPow31 = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0, 0};
        assertThatThrownBy(() -> new WireInput(twoPow31).readCount(1, "list"))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("2147483648");
        assertThatThrownBy(() -> new WireInput(twoPow31).readBytes()).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> new WireInput(twoPow31).readNullableString("m"))
                .isInstanceOf(WireFormatException.class);

        byte[] tenElementsOfFour = {10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> new WireInput(tenElementsOfFour).readCount(4, "items"))
                .isInstanceOf(WireFormatException.class);
        assertThat(new WireInput(tenElementsOfFour).readCount(2, "items")).isEqualTo(10);
    }

    @Test
    void stringLimitsAreEnforced() {
        WireOutput out = new WireOutput();
        out.writeString("abcdef");
        out.writeString("\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80"); // 6 chars, 12 bytes
        byte[] frame = out.toByteArray();
        WireInput in = new WireInput(frame);
        assertThat(in.readString(6, "id")).isEqualTo("abcdef");
        assertThat(in.readString(6, "id")).hasSize(6);

        assertThatThrownBy(() -> new WireInput(frame).readString(5, "id")).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("id at offset 0 is 6");
        WireInput second = new WireInput(frame, 7, frame.length - 7);
        assertThatThrownBy(() -> second.readString(3, "id")).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("over the limit");
        assertThatThrownBy(() -> new WireInput(frame, 0, frame.length, 5).readString())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("over the limit of 5");
    }

    @Test
    void trailingBytesAreReported() {
        WireInput in = new WireInput(new byte[] {1, 2, 3});
        in.readByte();
        assertThatThrownBy(in::expectEnd).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("2 trailing bytes").hasMessageContaining("offset 1");
    }

    @Test
    void outputGrowsAndResets() {
        WireOutput out = new WireOutput(0);
        for (int i = 0; i < 100_000; i++) {
            out.writeVarInt(i);
        }
        WireInput in = new WireInput(out.toByteArray());
        for (int i = 0; i < 100_000; i++) {
            assertThat(in.readVarInt()).isEqualTo(i);
        }
        out.reset();
        assertThat(out.size()).isZero();
        assertThat(out.toByteArray()).isEmpty();
    }

    private static WireInput in() {
        return new WireInput(new byte[0]);
    }

    private static int sizeOfVarInt(int v) {
        WireOutput out = new WireOutput();
        out.writeVarInt(v);
        return out.size();
    }
}
