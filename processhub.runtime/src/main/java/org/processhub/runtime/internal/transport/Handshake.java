package org.processhub.runtime.internal.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.processhub.api.NodeId;

/**
 * The connection handshake. Wire format (all integers big-endian):
 *
 * <pre>
 * server -> client : challenge[16]                  random bytes, fresh per connection
 * client -> server : 'P' 'H' 'T' '1'                 magic
 *                    u8  nameLength (1..255)         then the client's NodeId name, UTF-8
 *                    u16 proofLength (0..1024)       then Authenticator.helloProof(self, challenge)
 * server -> client : u8  status                      1 = accepted, 0 = rejected (then the server closes)
 * then client -> server: frames, each [int32 length][length bytes]; the server never sends anything more.
 * </pre>
 *
 * The status byte lets the client report a rejection as a send failure instead of writing frames into a
 * connection the server is about to drop. The whole exchange is bounded by one deadline: before every read
 * the socket's SO_TIMEOUT is set to the time remaining, so a peer trickling bytes cannot stretch it; both
 * sides clear SO_TIMEOUT afterwards. Only plain stream reads and writes are used, so SSL sockets work.
 */
final class Handshake {
    static final int CHALLENGE_BYTES = 16;
    static final int MAX_NAME_BYTES = 255;
    private static final byte[] MAGIC = {'P', 'H', 'T', '1'};
    private static final byte ACCEPTED = 1;
    private static final byte REJECTED = 0;

    /** The handshake failed for a reason worth telling the operator (not a plain I/O error). */
    static final class HandshakeException extends IOException {
        private static final long serialVersionUID = 1L;

        HandshakeException(String message) {
            super(message);
        }
    }

    private Handshake() {}

    /** UTF-8 bytes of a node name, or an exception if it does not fit the one-byte length prefix. */
    static byte[] nameBytes(NodeId node) {
        byte[] name = node.name().getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("node name is longer than " + MAX_NAME_BYTES + " UTF-8 bytes: " + node);
        }
        return name;
    }

    /**
     * Server side, on the accepted connection's reader thread.
     *
     * @return the verified peer name
     * @throws HandshakeException the peer spoke the wrong protocol or was rejected (the status byte was sent)
     * @throws SocketTimeoutException the deadline passed
     * @throws IOException the connection failed or closed early
     */
    static NodeId server(Socket socket, byte[] challenge, Authenticator authenticator, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        socket.setSoTimeout(remainingMillis(deadline)); // an SSL handshake inside the first write reads too
        out.write(challenge);
        out.flush();

        byte[] head = readFully(socket, in, 4 + 1, deadline);
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) throw new HandshakeException("not a ProcessHub transport hello (bad magic)");
        }
        int nameLength = head[4] & 0xFF;
        if (nameLength == 0) throw new HandshakeException("empty node name");
        byte[] nameAndProofLength = readFully(socket, in, nameLength + 2, deadline);
        NodeId claimed;
        try {
            String name = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(nameAndProofLength, 0, nameLength))
                    .toString();
            claimed = NodeId.of(name);
        } catch (CharacterCodingException | IllegalArgumentException e) {
            throw new HandshakeException("invalid node name in hello");
        }
        int proofLength = ((nameAndProofLength[nameLength] & 0xFF) << 8) | (nameAndProofLength[nameLength + 1] & 0xFF);
        if (proofLength > Authenticator.MAX_PROOF_BYTES) {
            throw new HandshakeException("proof of " + proofLength + " bytes from '" + claimed + "' exceeds "
                    + Authenticator.MAX_PROOF_BYTES);
        }
        byte[] proof = readFully(socket, in, proofLength, deadline);

        boolean accepted;
        try {
            accepted = authenticator.verify(claimed, challenge.clone(), proof);
        } catch (RuntimeException e) {
            accepted = false;
        }
        if (!accepted) {
            out.write(REJECTED);
            out.flush();
            throw new HandshakeException("authenticator rejected '" + claimed + "'");
        }
        out.write(ACCEPTED);
        out.flush();
        socket.setSoTimeout(0);
        return claimed;
    }

    /**
     * Client side, on the destination's writer thread, right after the TCP connect.
     *
     * @throws HandshakeException rejected by the server, or a bad proof from our authenticator
     */
    static void client(Socket socket, NodeId self, Authenticator authenticator, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] challenge = readFully(socket, in, CHALLENGE_BYTES, deadline);

        byte[] name = nameBytes(self);
        byte[] proof = authenticator.helloProof(self, challenge);
        if (proof == null) proof = new byte[0];
        if (proof.length > Authenticator.MAX_PROOF_BYTES) {
            throw new HandshakeException("local authenticator produced a proof of " + proof.length + " bytes (max "
                    + Authenticator.MAX_PROOF_BYTES + ")");
        }
        // one write: the hello usually leaves in one segment
        ByteBuffer hello = ByteBuffer.allocate(MAGIC.length + 1 + name.length + 2 + proof.length);
        hello.put(MAGIC).put((byte) name.length).put(name).putShort((short) proof.length).put(proof);
        out.write(hello.array());
        out.flush();

        byte status = readFully(socket, in, 1, deadline)[0];
        if (status != ACCEPTED) throw new HandshakeException("handshake rejected by the peer");
        socket.setSoTimeout(0);
    }

    private static byte[] readFully(Socket socket, InputStream in, int length, long deadline) throws IOException {
        byte[] bytes = new byte[length];
        int done = 0;
        while (done < length) {
            socket.setSoTimeout(remainingMillis(deadline));
            int n = in.read(bytes, done, length - done);
            if (n < 0) throw new EOFException("connection closed during the handshake");
            done += n;
        }
        return bytes;
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) throw new SocketTimeoutException("handshake timed out");
        // round up: SO_TIMEOUT 0 would mean "forever"
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (remaining + 999_999) / 1_000_000));
    }
}
