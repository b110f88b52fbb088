package org.processhub.runtime.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.processhub.api.NodeId;
import org.processhub.runtime.internal.log.Log;

/**
 * Direct node-to-node channel for hub traffic: ordered, framed messages between named nodes over
 * blocking TCP sockets.
 *
 * <p><b>Topology.</b> Each node has at most one outbound connection per destination and uses it only for
 * sending; the destination answers over its own outbound connection. So a pair of talking nodes has two
 * TCP connections, each carrying frames one way.
 *
 * <p><b>Threads</b> (all daemon, named {@code ph-transport-<self>-<role>-<peer>}): one acceptor; per
 * destination one writer and, while connected, one watcher ({@link Outbound}); per accepted connection one
 * reader ({@link InboundConnection}).
 *
 * <p><b>Delivery.</b> Frames sent to one destination arrive in {@code send} order per connection and are
 * never duplicated. Delivery is at most once: when a connection breaks, frames written shortly before may
 * be lost silently (they sat in socket buffers); frames still queued are sent over a new connection, or,
 * if no connection can be made, dropped and reported to {@link Handler#onSendFailed}. After a reconnect,
 * the receiver may still be delivering the last frames of the old connection on its old reader thread
 * while the new one starts: order is guaranteed per connection only. The hub protocol above must
 * therefore tolerate loss (request timeouts, anti-entropy), as it must for crashed nodes anyway.
 *
 * <p><b>Wire format</b>: see {@link Handshake}; after it, frames are {@code [int32 length][bytes]}.
 *
 * <p>All public methods are thread-safe.
 */
public final class PeerTransport implements AutoCloseable {
    /** Receives frames and send failures. */
    public interface Handler {
        /**
         * A frame from {@code from}. Called on the reader thread of the connection it arrived on, in the
         * order the peer sent them; the next frame of that connection is read only after this returns, so
         * hand long work off. An exception is logged and the connection stays open. The array is the
         * handler's to keep.
         */
        void onFrame(NodeId from, byte[] frame);

        /**
         * {@code droppedFrames} queued for {@code to} were discarded because no connection could be
         * made (after the retries), or a write failed again right after reconnecting. Called on the
         * writer thread for {@code to}; may call {@link #send} (a new connection attempt starts). Not
         * called for frames dropped by {@link #forget} or {@link #close}.
         */
        default void onSendFailed(NodeId to, int droppedFrames, Exception cause) {}
    }

    /** Connections still in the handshake beyond this are closed at once (bounds threads a flood can pin). */
    static final int MAX_PENDING_HANDSHAKES = 64;
    /** How long {@link #close} lets writers finish queued frames over live connections. */
    static final long CLOSE_DRAIN_MILLIS = 1_000;
    /** How long {@link #close} then waits for threads to end after closing all sockets. */
    static final long CLOSE_JOIN_MILLIS = 2_000;

    private final NodeId self;
    private final TransportSettings settings;
    private final Handler handler;
    private final Log log;
    private final ServerSocket serverSocket;
    private final InetSocketAddress localAddress;
    private final Thread acceptor;
    private final ConcurrentHashMap<NodeId, Outbound> outbound = new ConcurrentHashMap<>();
    private final Set<InboundConnection> inbound = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pendingHandshakes = new AtomicInteger();
    private final WarnLimiter warnLimiter = new WarnLimiter(TimeUnit.SECONDS.toNanos(10));
    private final SecureRandom random = new SecureRandom();
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    /**
     * Binds the listening socket and starts accepting connections.
     *
     * @throws IOException the address cannot be bound
     * @throws IllegalArgumentException {@code self}'s name is longer than 255 UTF-8 bytes
     */
    public PeerTransport(NodeId self, TransportSettings settings, Handler handler, Log log) throws IOException {
        this.self = Objects.requireNonNull(self, "self");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.log = Objects.requireNonNull(log, "log");
        Handshake.nameBytes(self); // fail now rather than on every connect
        ServerSocket server = settings.serverSocketFactory().createServerSocket();
        try {
            server.setReuseAddress(true); // a restarted node can take its port back despite TIME_WAIT
            server.bind(new InetSocketAddress(settings.bindAddress(), settings.port()), 128);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        this.serverSocket = server;
        this.localAddress = new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        this.acceptor = new Thread(this::acceptLoop, threadName("acceptor", null));
        this.acceptor.setDaemon(true);
        this.acceptor.start();
        log.debug(() -> "transport of " + self + " listening on " + localAddress);
    }

    /** The bound address and actual port. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Queues {@code frame} for {@code to} at {@code address} and returns at once; the writer thread for
     * {@code to} connects if needed and sends it. The latest address given for a peer wins (a change makes
     * the writer reconnect). The array must not be modified afterwards.
     *
     * @throws TransportException the frame is larger than {@code maxFrameBytes}, {@code maxQueuedFrames}
     *         frames are already waiting for {@code to}, or the transport is closed
     */
    public void send(NodeId to, InetSocketAddress address, byte[] frame) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(frame, "frame");
        if (frame.length > settings.maxFrameBytes()) {
            throw new TransportException("frame of " + frame.length + " bytes to " + to + " exceeds maxFrameBytes "
                    + settings.maxFrameBytes());
        }
        while (true) {
            Outbound o = outbound.get(to);
            if (o == null) o = createOutbound(to, address);
            switch (o.offer(address, frame)) {
                case OK:
                    return;
                case FULL:
                    throw new TransportException("send queue to " + to + " is full (" + settings.maxQueuedFrames()
                            + " frames): the peer is slow or unreachable");
                case CLOSED:
                    // forgotten (or closing) concurrently: a send after forget starts afresh
                    outbound.remove(to, o);
                    if (closed) throw new TransportException("transport of " + self + " is closed");
                    break;
                default:
                    throw new AssertionError();
            }
        }
    }

    /**
     * The peer left the cluster: stops its writer, drops its queued frames (without
     * {@code onSendFailed}) and closes its inbound connections. Does not wait for the threads to end.
     * A later {@code send} to the peer starts afresh.
     */
    public void forget(NodeId peer) {
        Outbound o = outbound.remove(peer);
        if (o != null) o.stop();
        for (InboundConnection c : inbound) {
            if (peer.equals(c.peer())) c.close();
        }
        log.debug(() -> "forgot " + peer);
    }

    /**
     * Stops accepting, lets writers send what is already queued over existing connections for up to
     * {@value #CLOSE_DRAIN_MILLIS} ms (no new connections are made; the rest is dropped without
     * {@code onSendFailed}), closes every socket and waits up to {@value #CLOSE_JOIN_MILLIS} ms for the
     * threads to end. Idempotent. May be called from a handler (that thread is not waited for).
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) return;
            closed = true;
        }
        try {
            serverSocket.close();
        } catch (IOException e) {
            log.debug(() -> "closing server socket: " + e);
        }
        List<Outbound> writers = new ArrayList<>(outbound.values());
        outbound.clear();
        writers.forEach(Outbound::drain);
        boolean interrupted = false;
        long drainDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_DRAIN_MILLIS);
        try {
            for (Outbound o : writers) o.join(drainDeadline);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        writers.forEach(Outbound::stop);
        inbound.forEach(InboundConnection::close);

        long joinDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_JOIN_MILLIS);
        List<String> stuck = new ArrayList<>();
        try {
            if (!join(acceptor, joinDeadline)) stuck.add(acceptor.getName());
            for (Outbound o : writers) {
                if (!o.join(joinDeadline)) stuck.add("writer-" + o.peer());
            }
            for (InboundConnection c : new ArrayList<>(inbound)) {
                c.close(); // accepted after the first pass
                if (!join(c.thread(), joinDeadline)) stuck.add(c.thread().getName());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (!stuck.isEmpty()) log.warn("transport of " + self + " closed, but threads did not end in time: " + stuck);
        else log.debug(() -> "transport of " + self + " closed");
        if (interrupted) Thread.currentThread().interrupt();
    }

    // ---- package-private: used by Outbound and InboundConnection ----

    NodeId self() {
        return self;
    }

    TransportSettings settings() {
        return settings;
    }

    Handler handler() {
        return handler;
    }

    Log log() {
        return log;
    }

    WarnLimiter warnLimiter() {
        return warnLimiter;
    }

    byte[] newChallenge() {
        byte[] challenge = new byte[Handshake.CHALLENGE_BYTES];
        random.nextBytes(challenge);
        return challenge;
    }

    void handshakeDone() {
        pendingHandshakes.decrementAndGet();
    }

    void removeInbound(InboundConnection connection) {
        inbound.remove(connection);
    }

    String threadName(String role, String suffix) {
        return "ph-transport-" + self.name() + "-" + role + (suffix == null ? "" : "-" + suffix);
    }

    /** Whether an outbound connection to {@code peer} is currently open (tests). */
    boolean connectedTo(NodeId peer) {
        Outbound o = outbound.get(peer);
        return o != null && o.connected();
    }

    /** Number of live inbound connections (tests). */
    int inboundCount() {
        return inbound.size();
    }

    // ---- internals ----

    private Outbound createOutbound(NodeId to, InetSocketAddress address) {
        synchronized (lifecycle) { // so close() cannot miss a writer created concurrently
            if (closed) throw new TransportException("transport of " + self + " is closed");
            Outbound o = outbound.get(to);
            if (o == null) {
                o = new Outbound(this, to, address);
                outbound.put(to, o);
                o.start();
            }
            return o;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (closed) break;
                log.warn("accept failed on " + localAddress + ": " + e);
                pause(); // e.g. out of file descriptors: do not spin
                continue;
            }
            if (closed) {
                Outbound.closeQuietly(socket);
                break;
            }
            if (pendingHandshakes.incrementAndGet() > MAX_PENDING_HANDSHAKES) {
                pendingHandshakes.decrementAndGet();
                int suppressed = warnLimiter.permit(socket.getInetAddress());
                if (suppressed >= 0) {
                    log.warn("refusing connection from " + socket.getRemoteSocketAddress() + ": "
                            + MAX_PENDING_HANDSHAKES + " handshakes already pending");
                }
                Outbound.closeQuietly(socket);
                continue;
            }
            InboundConnection connection = new InboundConnection(this, socket);
            inbound.add(connection);
            try {
                connection.start();
            } catch (Error | RuntimeException e) { // cannot create a thread
                inbound.remove(connection);
                pendingHandshakes.decrementAndGet();
                connection.close();
                log.error("cannot start a reader thread", e);
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean join(Thread t, long deadlineNanos) throws InterruptedException {
        if (t == Thread.currentThread()) return true;
        t.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
        return !t.isAlive();
    }
}
