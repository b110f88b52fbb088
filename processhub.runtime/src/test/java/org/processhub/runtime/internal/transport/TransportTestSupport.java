package org.processhub.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.processhub.api.NodeId;
import org.processhub.runtime.internal.log.Log;

/** Shared helpers: transports on 127.0.0.1 with ephemeral ports, closed after each test. */
abstract class TransportTestSupport {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final Duration DEADLINE = Duration.ofSeconds(10);

    final List<AutoCloseable> toClose = new ArrayList<>();
    final CapturingLog log = new CapturingLog();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    static TransportSettings settings() {
        return TransportSettings.defaults(LOOPBACK).withReconnect(2, Duration.ofMillis(20));
    }

    /** A transport whose frames and send failures land in queues. */
    Node node(String name) throws IOException {
        return node(name, settings());
    }

    Node node(String name, TransportSettings settings) throws IOException {
        Node node = new Node(NodeId.of(name));
        node.transport = new PeerTransport(node.id, settings, node, log);
        toClose.add(node.transport);
        return node;
    }

    static final class Node implements PeerTransport.Handler {
        final NodeId id;
        PeerTransport transport;
        final BlockingQueue<Received> frames = new LinkedBlockingQueue<>();
        final BlockingQueue<SendFailure> failures = new LinkedBlockingQueue<>();

        Node(NodeId id) {
            this.id = id;
        }

        InetSocketAddress address() {
            return transport.localAddress();
        }

        void send(Node to, byte[] frame) {
            transport.send(to.id, to.address(), frame);
        }

        Received nextFrame() throws InterruptedException {
            Received r = frames.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r).as("frame received by %s within %s", id, DEADLINE).isNotNull();
            return r;
        }

        SendFailure nextFailure() throws InterruptedException {
            SendFailure f = failures.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(f).as("send failure reported to %s within %s", id, DEADLINE).isNotNull();
            return f;
        }

        @Override
        public void onFrame(NodeId from, byte[] frame) {
            frames.add(new Received(from, frame));
        }

        @Override
        public void onSendFailed(NodeId to, int droppedFrames, Exception cause) {
            failures.add(new SendFailure(to, droppedFrames, cause));
        }
    }

    record Received(NodeId from, byte[] frame) {
        String text() {
            return new String(frame, StandardCharsets.UTF_8);
        }
    }

    record SendFailure(NodeId to, int dropped, Exception cause) {}

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out waiting for: " + what);
            Thread.sleep(5);
        }
    }

    /** Live threads whose name starts with {@code ph-transport-<node>-<role>}. */
    static long threads(String node, String role) {
        String prefix = "ph-transport-" + node + "-" + role;
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }

    /** A raw client socket; closed after the test. */
    Socket rawSocket(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        toClose.add(s);
        s.connect(to, 2000);
        s.setSoTimeout((int) DEADLINE.toMillis());
        return s;
    }

    /** Performs a correct client handshake by hand (no authentication). */
    static void rawHandshake(Socket s, String name) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        assertThat(in.readNBytes(16)).hasSize(16);
        byte[] n = utf8(name);
        out.write(ByteBuffer.allocate(4 + 1 + n.length + 2).put(utf8("PHT1")).put((byte) n.length).put(n)
                .putShort((short) 0).array());
        out.flush();
        assertThat(in.read()).as("handshake status").isEqualTo(1);
    }

    /** True once the server closed {@code s} (EOF or reset), waiting up to the socket's timeout. */
    static boolean closedByPeer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] sink = new byte[256];
            while (true) {
                if (in.read(sink) < 0) return true;
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    /** Records log lines; prints WARN and above to stderr (the surefire report file). */
    static final class CapturingLog implements Log {
        final ConcurrentLinkedQueue<String> warnings = new ConcurrentLinkedQueue<>();

        @Override
        public boolean enabled(Level level) {
            return level.compareTo(Level.WARN) >= 0 || Boolean.getBoolean("transport.debug");
        }

        @Override
        public void log(Level level, String message, Throwable error) {
            if (level.compareTo(Level.WARN) >= 0) warnings.add(message);
            if (enabled(level)) {
                System.err.println("[" + level + "] " + Thread.currentThread().getName() + " " + message
                        + (error != null ? " : " + error : ""));
            }
        }

        long count(String fragment) {
            return warnings.stream().filter(w -> w.contains(fragment)).count();
        }
    }
}
