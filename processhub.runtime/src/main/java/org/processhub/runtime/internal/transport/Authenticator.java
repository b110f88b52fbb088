package org.processhub.runtime.internal.transport;

import org.processhub.api.NodeId;

/**
 * Proves a connecting node's identity during the {@link Handshake}. This is the hook for a later
 * cluster-secret feature (e.g. an HMAC of the challenge and the node name); {@link #NONE} accepts everyone.
 *
 * <p>Both methods are called on transport threads (client side: the destination's writer thread; server
 * side: the accepted connection's reader thread) while the handshake timeout runs, so they must be fast and
 * must not block. They may be called concurrently.
 */
public interface Authenticator {
    /** Largest proof accepted on the wire. */
    int MAX_PROOF_BYTES = 1024;

    /**
     * Client side: the proof sent in the hello, computed from the server's random challenge.
     *
     * @return at most {@link #MAX_PROOF_BYTES} bytes; {@code null} is sent as an empty proof
     */
    byte[] helloProof(NodeId self, byte[] serverChallenge);

    /**
     * Server side: whether {@code proof} proves that the peer is {@code claimed}. Returning false (or
     * throwing) closes the connection before any frame is read.
     */
    boolean verify(NodeId claimed, byte[] serverChallenge, byte[] proof);

    /** Sends an empty proof and accepts every peer. */
    Authenticator NONE = new Authenticator() {
        private final byte[] empty = new byte[0];

        @Override
        public byte[] helloProof(NodeId self, byte[] serverChallenge) {
            return empty;
        }

        @Override
        public boolean verify(NodeId claimed, byte[] serverChallenge, byte[] proof) {
            return true;
        }

        @Override
        public String toString() {
            return "Authenticator.NONE";
        }
    };
}
