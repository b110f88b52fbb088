package org.processhub.runtime.internal.transport;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLException;
import org.processhub.api.NodeId;
import org.processhub.runtime.internal.log.Log;

/**
 * One accepted connection and its reader thread ({@code ph-transport-<self>-reader-<peer>}; before the
 * handshake completes the suffix is the remote socket address). The thread runs the server side of the
 * {@link Handshake}, then reads frames and passes them to {@link PeerTransport.Handler#onFrame} in order.
 * Anything unexpected from the remote side closes this connection only.
 */
final class InboundConnection implements Runnable {
    private static final int IN_BUFFER = 64 * 1024;

    private final PeerTransport transport;
    private final Socket socket;
    private final Thread thread;
    private final Log log;
    private final String remote;
    private volatile NodeId peer; // null until the handshake succeeded
    private boolean handshakePending = true;

    InboundConnection(PeerTransport transport, Socket socket) {
        this.transport = transport;
        this.socket = socket;
        this.log = transport.log();
        SocketAddress address = socket.getRemoteSocketAddress();
        this.remote = address instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort()
                : String.valueOf(address);
        this.thread = new Thread(this, transport.threadName("reader", remote));
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The authenticated peer, or null while the handshake runs. */
    NodeId peer() {
        return peer;
    }

    Thread thread() {
        return thread;
    }

    /** Closes the socket; the reader thread then ends on its own. Any thread. */
    void close() {
        Outbound.closeQuietly(socket);
    }

    @Override
    public void run() {
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            TransportSettings settings = transport.settings();
            NodeId from = Handshake.server(socket, transport.newChallenge(), settings.authenticator(),
                    settings.handshakeTimeout());
            handshakePassed(from);
            FrameReader reader = new FrameReader(socket.getInputStream(), settings.maxFrameBytes(), IN_BUFFER);
            PeerTransport.Handler handler = transport.handler();
            byte[] frame;
            while ((frame = reader.next()) != null) {
                try {
                    handler.onFrame(from, frame);
                } catch (RuntimeException e) {
                    log.warn("frame handler failed for a frame from " + from + " (connection kept)", e);
                }
            }
            log.debug(() -> "connection from " + from + " (" + remote + ") closed by the peer");
        } catch (FrameReader.BadLengthException e) {
            warnLimited("closing connection from " + describe() + ": " + e.getMessage());
        } catch (Handshake.HandshakeException e) {
            warnLimited("rejected connection from " + remote + ": " + e.getMessage());
        } catch (SocketTimeoutException e) {
            warnLimited("closing connection from " + remote + ": handshake not completed within "
                    + transport.settings().handshakeTimeout().toMillis() + " ms");
        } catch (SSLException e) {
            if (handshakePending) warnLimited("TLS handshake with " + remote + " failed: " + e.getMessage());
            else log.debug(() -> "connection from " + describe() + " failed: " + e);
        } catch (EOFException e) {
            log.debug(() -> "connection from " + describe() + " ended: " + e.getMessage());
        } catch (IOException e) {
            if (!socket.isClosed()) log.debug(() -> "connection from " + describe() + " failed: " + e);
        } catch (RuntimeException | Error e) {
            log.error("reader for " + describe() + " failed", e);
        } finally {
            close();
            if (handshakePending) transport.handshakeDone();
            transport.removeInbound(this);
        }
    }

    private void handshakePassed(NodeId from) {
        peer = from;
        handshakePending = false;
        transport.handshakeDone();
        thread.setName(transport.threadName("reader", from.name()));
        log.debug(() -> "accepted connection from " + from + " (" + remote + ")");
    }

    private String describe() {
        NodeId p = peer;
        return p == null ? remote : p + " (" + remote + ")";
    }

    private void warnLimited(String message) {
        InetAddress address = socket.getInetAddress();
        int suppressed = address == null ? 0 : transport.warnLimiter().permit(address);
        if (suppressed < 0) return;
        log.warn(suppressed == 0 ? message : message + " (" + suppressed + " similar warning(s) suppressed)");
    }
}
