package org.processhub.runtime.internal.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads {@code [int32 length][length bytes]} frames from a stream with its own buffer (no per-frame
 * allocation besides the frame, no synchronized stream wrappers). Used by one reader thread only.
 */
final class FrameReader {
    /** A length prefix outside {@code 0..maxFrameBytes}; nothing was allocated for it. */
    static final class BadLengthException extends IOException {
        private static final long serialVersionUID = 1L;
        final int length;

        BadLengthException(int length, int max) {
            super("frame length " + length + " outside 0.." + max);
            this.length = length;
        }
    }

    private final InputStream in;
    private final int maxFrameBytes;
    private final byte[] buffer;
    private int position;
    private int limit;

    FrameReader(InputStream in, int maxFrameBytes, int bufferSize) {
        this.in = in;
        this.maxFrameBytes = maxFrameBytes;
        this.buffer = new byte[bufferSize];
    }

    /**
     * The next frame, or {@code null} at a clean end of stream (between frames).
     *
     * @throws BadLengthException the length prefix is negative or above the maximum
     * @throws EOFException the stream ended inside a frame
     */
    byte[] next() throws IOException {
        if (!ensure(4)) {
            if (limit == position) return null;
            throw new EOFException("stream ended inside a length prefix");
        }
        int length = ((buffer[position] & 0xFF) << 24) | ((buffer[position + 1] & 0xFF) << 16)
                | ((buffer[position + 2] & 0xFF) << 8) | (buffer[position + 3] & 0xFF);
        if (length < 0 || length > maxFrameBytes) throw new BadLengthException(length, maxFrameBytes);
        position += 4;
        byte[] frame = new byte[length];
        int buffered = Math.min(length, limit - position);
        System.arraycopy(buffer, position, frame, 0, buffered);
        position += buffered;
        int done = buffered;
        while (done < length) { // a large frame: read the rest straight into it
            int n = in.read(frame, done, length - done);
            if (n < 0) throw new EOFException("stream ended inside a frame of " + length + " bytes");
            done += n;
        }
        return frame;
    }

    /** Makes {@code count} bytes available at {@code position}; false at end of stream. */
    private boolean ensure(int count) throws IOException {
        if (limit - position >= count) return true;
        if (position > 0) { // compact the few leftover bytes to the front
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        while (limit < count) {
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) return false;
            limit += n;
        }
        return true;
    }
}
