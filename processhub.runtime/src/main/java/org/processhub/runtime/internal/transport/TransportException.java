package org.processhub.runtime.internal.transport;

/**
 * A frame was refused by {@link PeerTransport#send}: too large, the destination's send queue is full, or
 * the transport is closed. Thrown on the caller's thread; nothing was queued.
 */
public class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransportException(String message) {
        super(message);
    }
}
