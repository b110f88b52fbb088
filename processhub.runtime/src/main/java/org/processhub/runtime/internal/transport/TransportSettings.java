package org.processhub.runtime.internal.transport;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/**
 * Configuration of a {@link PeerTransport}.
 *
 * @param bindAddress where the transport listens (a wildcard address listens on all interfaces; then
 *        {@link PeerTransport#localAddress()} is not an address peers can use, publish a concrete one)
 * @param port listening port; 0 picks an ephemeral port
 * @param maxFrameBytes largest frame accepted by {@code send} and on the wire
 * @param maxQueuedFrames per destination; {@code send} throws {@link TransportException} beyond it
 * @param connectTimeout TCP connect timeout for one attempt
 * @param handshakeTimeout the whole handshake (both sides) must complete within this
 * @param reconnectAttempts additional connect attempts after a failed one before queued frames are dropped
 * @param reconnectBackoff wait before the first retry; doubled for each further retry (capped at 30 s)
 * @param socketFactory creates outbound sockets (may be an {@code SSLSocketFactory})
 * @param serverSocketFactory creates the listening socket (may be an {@code SSLServerSocketFactory})
 * @param authenticator proves/verifies node identity in the handshake
 */
public record TransportSettings(InetAddress bindAddress, int port, int maxFrameBytes, int maxQueuedFrames,
        Duration connectTimeout, Duration handshakeTimeout, int reconnectAttempts, Duration reconnectBackoff,
        SocketFactory socketFactory, ServerSocketFactory serverSocketFactory, Authenticator authenticator) {

    /** Frames are length-prefixed with a signed int and allocated as one array. */
    public static final int MAX_FRAME_LIMIT = Integer.MAX_VALUE - 16;

    public TransportSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
        Objects.requireNonNull(socketFactory, "socketFactory");
        Objects.requireNonNull(serverSocketFactory, "serverSocketFactory");
        Objects.requireNonNull(authenticator, "authenticator");
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("port out of range: " + port);
        if (maxFrameBytes < 1 || maxFrameBytes > MAX_FRAME_LIMIT) {
            throw new IllegalArgumentException("maxFrameBytes must be 1.." + MAX_FRAME_LIMIT + ": " + maxFrameBytes);
        }
        if (maxQueuedFrames < 1) throw new IllegalArgumentException("maxQueuedFrames must be >= 1: " + maxQueuedFrames);
        requireMillis("connectTimeout", connectTimeout, 1);
        requireMillis("handshakeTimeout", handshakeTimeout, 1);
        requireMillis("reconnectBackoff", reconnectBackoff, 0);
        if (reconnectAttempts < 0) throw new IllegalArgumentException("reconnectAttempts must be >= 0");
    }

    private static void requireMillis(String name, Duration d, long min) {
        if (d.toMillis() < min || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + Integer.MAX_VALUE + " ms: " + d);
        }
    }

    /**
     * Ephemeral port, 16 MiB frames, 65,536 queued frames per peer, 5 s connect and handshake timeouts,
     * 3 reconnect attempts starting at 200 ms, plain sockets, no authentication.
     */
    public static TransportSettings defaults(InetAddress bind) {
        return new TransportSettings(bind, 0, 16 * 1024 * 1024, 65_536, Duration.ofSeconds(5), Duration.ofSeconds(5),
                3, Duration.ofMillis(200), SocketFactory.getDefault(), ServerSocketFactory.getDefault(),
                Authenticator.NONE);
    }

    public TransportSettings withPort(int port) {
        return new TransportSettings(bindAddress, port, maxFrameBytes, maxQueuedFrames, connectTimeout,
                handshakeTimeout, reconnectAttempts, reconnectBackoff, socketFactory, serverSocketFactory, authenticator);
    }

    public TransportSettings withLimits(int maxFrameBytes, int maxQueuedFrames) {
        return new TransportSettings(bindAddress, port, maxFrameBytes, maxQueuedFrames, connectTimeout,
                handshakeTimeout, reconnectAttempts, reconnectBackoff, socketFactory, serverSocketFactory, authenticator);
    }

    public TransportSettings withTimeouts(Duration connectTimeout, Duration handshakeTimeout) {
        return new TransportSettings(bindAddress, port, maxFrameBytes, maxQueuedFrames, connectTimeout,
                handshakeTimeout, reconnectAttempts, reconnectBackoff, socketFactory, serverSocketFactory, authenticator);
    }

    public TransportSettings withReconnect(int reconnectAttempts, Duration reconnectBackoff) {
        return new TransportSettings(bindAddress, port, maxFrameBytes, maxQueuedFrames, connectTimeout,
                handshakeTimeout, reconnectAttempts, reconnectBackoff, socketFactory, serverSocketFactory, authenticator);
    }

    public TransportSettings withSocketFactories(SocketFactory socketFactory, ServerSocketFactory serverSocketFactory) {
        return new TransportSettings(bindAddress, port, maxFrameBytes, maxQueuedFrames, connectTimeout,
                handshakeTimeout, reconnectAttempts, reconnectBackoff, socketFactory, serverSocketFactory, authenticator);
    }

    public TransportSettings withAuthenticator(Authenticator authenticator) {
        return new TransportSettings(bindAddress, port, maxFrameBytes, maxQueuedFrames, connectTimeout,
                handshakeTimeout, reconnectAttempts, reconnectBackoff, socketFactory, serverSocketFactory, authenticator);
    }
}
