package org.processhub.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameReaderTest {

    private static byte[] frames(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(f.length).array());
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    /** Returns at most one byte per read, like a very fragmented TCP stream. */
    private static InputStream trickle(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    @Test
    void readsFramesSplitAcrossReadsAndLargerThanTheBuffer() throws Exception {
        byte[] big = new byte[100];
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        byte[] wire = frames(new byte[] {1, 2, 3}, new byte[0], big, new byte[] {9});
        for (InputStream in : new InputStream[] {new ByteArrayInputStream(wire), trickle(wire)}) {
            FrameReader reader = new FrameReader(in, 1000, 16);
            assertThat(reader.next()).containsExactly(1, 2, 3);
            assertThat(reader.next()).isEmpty();
            assertThat(reader.next()).isEqualTo(big);
            assertThat(reader.next()).containsExactly(9);
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void rejectsBadLengthsBeforeAllocating() {
        for (int length : new int[] {-1, 1001, Integer.MAX_VALUE}) {
            FrameReader reader = new FrameReader(new ByteArrayInputStream(ByteBuffer.allocate(4).putInt(length).array()),
                    1000, 16);
            assertThatThrownBy(reader::next).isInstanceOf(FrameReader.BadLengthException.class)
                    .hasMessageContaining(String.valueOf(length));
        }
    }

    @Test
    void truncatedInputIsAnError() {
        byte[] wire = frames(new byte[] {1, 2, 3, 4, 5});
        for (int cut : new int[] {2, 6}) {
            byte[] truncated = java.util.Arrays.copyOf(wire, cut);
            FrameReader reader = new FrameReader(new ByteArrayInputStream(truncated), 1000, 16);
            assertThatThrownBy(reader::next).isInstanceOf(EOFException.class);
        }
    }
}
