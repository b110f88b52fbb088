package org.processhub.runtime.internal.transport;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import org.processhub.api.NodeId;
import org.processhub.runtime.internal.log.Log;

/**
 * The sending side towards one peer: a bounded {@link FrameQueue} drained by one writer thread
 * ({@code ph-transport-<self>-writer-<peer>}) that owns the outbound connection.
 *
 * <p>The writer connects lazily (on the first frame), retrying {@code reconnectAttempts} times with
 * exponential backoff; if it still cannot connect it drops everything queued and reports it through
 * {@link PeerTransport.Handler#onSendFailed}. Frames are written through a {@link BufferedOutputStream}
 * which is flushed only when the queue is momentarily empty: a lone frame leaves at once, a burst is
 * coalesced into few syscalls.
 *
 * <p>If a write fails, the writer reconnects (same retry rules) and goes on with the first frame that
 * was not completely written; frames written since the last successful flush may have been lost with the
 * old connection (they may also have arrived - delivery is at most once, never duplicated). A second write
 * failure in the same batch gives up on the queued frames like a connect failure.
 *
 * <p>A watcher thread ({@code ph-transport-<self>-watch-<peer>}) blocks reading the connection, on which
 * the server never sends anything after the handshake; when the peer closes it (it stopped or restarted),
 * the watcher closes our socket, so the next write fails fast and reconnects instead of disappearing into
 * a dead connection.
 */
final class Outbound implements Runnable {
    private static final int BATCH = 256;
    private static final int OUT_BUFFER = 64 * 1024;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final PeerTransport transport;
    private final NodeId peer;
    private final FrameQueue queue;
    private final Thread writer;
    private final Log log;
    private volatile InetSocketAddress target;
    private volatile boolean stopped; // forget()/close(): drop everything, exit

    // Connection state: owned by the writer thread; socket is volatile so stop() can close it from outside.
    private volatile Socket socket;
    private BufferedOutputStream out;
    private InetSocketAddress connectedTo;
    private volatile Thread watcher;
    private int unflushed; // frames handed to `out` since its last successful flush
    private final byte[][] batch = new byte[BATCH][];
    private final byte[] header = new byte[4];

    Outbound(PeerTransport transport, NodeId peer, InetSocketAddress target) {
        this.transport = transport;
        this.peer = peer;
        this.target = target;
        this.log = transport.log();
        this.queue = new FrameQueue(transport.settings().maxQueuedFrames());
        this.writer = new Thread(this, transport.threadName("writer", peer.name()));
        this.writer.setDaemon(true);
    }

    void start() {
        writer.start();
    }

    NodeId peer() {
        return peer;
    }

    /** True while a connection is established (tests). */
    boolean connected() {
        Socket s = socket;
        return s != null && s.isConnected() && !s.isClosed();
    }

    /** Called by {@code send} callers; never blocks on the network. */
    FrameQueue.Offer offer(InetSocketAddress address, byte[] frame) {
        if (!address.equals(target)) target = address; // avoid writing the shared field on every send
        return queue.offer(frame);
    }

    /** Hard stop (forget, or close after the drain deadline): drop queued frames silently, abort I/O. */
    void stop() {
        stopped = true;
        queue.close();
        closeQuietly(socket);
        writer.interrupt(); // ends a backoff sleep; blocking socket I/O is ended by the close above
    }

    /** Soft stop (close): send what is queued over an existing connection, then exit. */
    void drain() {
        queue.drain();
    }

    /** Waits for the writer and watcher threads to end, until {@code deadlineNanos}. */
    boolean join(long deadlineNanos) throws InterruptedException {
        for (Thread t : new Thread[] {writer, watcher}) {
            if (t == null || t == Thread.currentThread()) continue;
            long ms = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
            t.join(ms);
            if (t.isAlive()) return false;
        }
        return true;
    }

    @Override
    public void run() {
        try {
            int n;
            while ((n = queue.take(batch)) > 0) {
                deliver(n);
            }
            if (!stopped && out != null) out.flush(); // drained on close
        } catch (IOException e) {
            log.debug(() -> "final flush to " + peer + " failed: " + e);
        } catch (RuntimeException | Error e) {
            log.error("transport writer to " + peer + " failed", e);
        } finally {
            closeConnection();
            Arrays.fill(batch, null);
        }
    }

    /** Writes {@code batch[0..n)}, (re)connecting as needed. */
    private void deliver(int n) {
        int i = 0;
        int writeFailures = 0;
        while (i < n) {
            if (stopped) return;
            InetSocketAddress wanted = target;
            Socket current = socket;
            if (out != null && (current == null || current.isClosed())) {
                // the watcher saw the peer close it: reconnect before writing, so nothing is lost in it
                log.debug(() -> "connection to " + peer + " was closed by the peer, reconnecting");
                closeConnection();
            } else if (out != null && !wanted.equals(connectedTo)) {
                log.debug(() -> "address of " + peer + " changed to " + wanted + ", reconnecting");
                closeConnection();
            }
            if (out == null) {
                if (queue.isDraining()) return; // closing: do not start new connections
                Exception failure = connect();
                if (failure != null) {
                    dropAndReport(n, i, failure);
                    return;
                }
            }
            try {
                for (; i < n; i++) {
                    byte[] frame = batch[i];
                    int length = frame.length;
                    header[0] = (byte) (length >>> 24);
                    header[1] = (byte) (length >>> 16);
                    header[2] = (byte) (length >>> 8);
                    header[3] = (byte) length;
                    out.write(header, 0, 4);
                    out.write(frame, 0, length);
                    batch[i] = null;
                    unflushed++;
                }
                if (queue.isEmpty()) {
                    out.flush();
                    unflushed = 0;
                }
            } catch (IOException e) {
                if (stopped) return;
                int mayBeLost = unflushed;
                InetSocketAddress failedAt = connectedTo;
                closeConnection();
                if (++writeFailures > 1) {
                    dropAndReport(n, i, e);
                    return;
                }
                log.warn("write to " + peer + " at " + failedAt + " failed (" + e
                        + "); reconnecting" + (mayBeLost > 0 ? ", up to " + mayBeLost
                        + " frame(s) written since the last flush may be lost" : ""));
            }
        }
    }

    /** Connects with retries; null on success, else the last failure. */
    private Exception connect() {
        TransportSettings settings = transport.settings();
        Exception last = null;
        long backoff = settings.reconnectBackoff().toMillis();
        for (int attempt = 0; attempt <= settings.reconnectAttempts(); attempt++) {
            if (attempt > 0) {
                if (!sleep(backoff)) return last;
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
            if (stopped || queue.isDraining()) return last != null ? last : new IOException("transport stopping");
            InetSocketAddress address = target; // may have been updated while we waited
            try {
                open(address);
                return null;
            } catch (IOException | RuntimeException e) {
                closeConnection();
                last = e;
                int n = attempt + 1;
                log.debug(() -> "connect " + n + " to " + peer + " at " + address + " failed: " + e);
            }
        }
        return last;
    }

    private void open(InetSocketAddress address) throws IOException {
        TransportSettings settings = transport.settings();
        Socket s = settings.socketFactory().createSocket();
        socket = s; // published first, so stop() can abort a connect in progress
        if (stopped) throw new IOException("transport stopping");
        s.connect(address, (int) settings.connectTimeout().toMillis());
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        Handshake.client(s, transport.self(), settings.authenticator(), settings.handshakeTimeout());
        out = new BufferedOutputStream(s.getOutputStream(), OUT_BUFFER);
        connectedTo = address;
        unflushed = 0;
        watcher = new Thread(() -> watch(s), transport.threadName("watch", peer.name()));
        watcher.setDaemon(true);
        watcher.start();
        log.debug(() -> "connected to " + peer + " at " + address);
    }

    /** Watcher thread: returns when the peer closes the connection (or we do), then closes our side. */
    private void watch(Socket s) {
        byte[] sink = new byte[64];
        try {
            InputStream in = s.getInputStream();
            while (in.read(sink) >= 0) {
                // the server sends nothing after the handshake; ignore anything that arrives
            }
        } catch (IOException e) {
            // reset or closed by us
        }
        if (!s.isClosed()) {
            log.debug(() -> "connection to " + peer + " closed by the peer");
            closeQuietly(s);
        }
    }

    private void dropAndReport(int n, int from, Exception cause) {
        int dropped = n - from;
        Arrays.fill(batch, from, n, null);
        dropped += queue.clear();
        if (stopped || dropped == 0) return;
        int count = dropped;
        log.warn("dropped " + count + " frame(s) to " + peer + " at " + target + ": " + cause);
        try {
            transport.handler().onSendFailed(peer, count, cause);
        } catch (RuntimeException e) {
            log.warn("onSendFailed handler failed", e);
        }
    }

    private boolean sleep(long millis) {
        if (millis <= 0) return !stopped;
        try {
            Thread.sleep(millis);
            return !stopped;
        } catch (InterruptedException e) {
            return false; // stop() interrupts
        }
    }

    private void closeConnection() {
        closeQuietly(socket);
        socket = null;
        out = null;
        connectedTo = null;
        // the watcher ends by itself once the socket is closed
    }

    static void closeQuietly(Socket s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException | RuntimeException e) {
            // nothing useful to do
        }
    }
}
