package org.processhub.runtime.internal.wire;

/**
 * Bytes received from the network could not be decoded: the frame is truncated, malformed, of an unsupported
 * version, or describes a value the model does not allow. The message says what was wrong and, where known, at
 * which offset of the frame.
 *
 * <p>This is the only exception {@link WireCodec#decode(byte[])} and the {@link WireInput} readers throw for bad
 * input, so a receiver can drop the frame with a single {@code catch}.
 *
 * <p>It describes bad input, not a bug, so by default it carries no stack trace: filling one in costs several
 * times more than decoding, and a peer (or an attacker) sending garbage should be cheap to turn away. Run with
 * {@code -Dprocesshub.wire.stackTraces=true} to get stack traces while debugging the codec.
 */
public final class WireFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final boolean STACK_TRACES = Boolean.getBoolean("processhub.wire.stackTraces");

    public WireFormatException(String message) {
        super(message, null, true, STACK_TRACES);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause, true, STACK_TRACES);
    }
}
