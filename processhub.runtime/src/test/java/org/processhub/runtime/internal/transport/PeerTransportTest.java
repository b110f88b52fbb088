package org.processhub.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.processhub.api.NodeId;

class PeerTransportTest extends TransportTestSupport {

    @Test
    void framesFlowBothWays() throws Exception {
        Node a = node("A");
        Node b = node("B");

        a.send(b, utf8("hello B"));
        b.send(a, utf8("hello A"));
        a.send(b, new byte[0]);

        Received atB = b.nextFrame();
        assertThat(atB.from()).isEqualTo(a.id);
        assertThat(atB.text()).isEqualTo("hello B");
        assertThat(b.nextFrame().frame()).isEmpty();
        Received atA = a.nextFrame();
        assertThat(atA.from()).isEqualTo(b.id);
        assertThat(atA.text()).isEqualTo("hello A");
        // one outbound connection each way
        assertThat(a.transport.inboundCount()).isEqualTo(1);
        assertThat(b.transport.inboundCount()).isEqualTo(1);
    }

    @Test
    void hundredThousandFramesArriveCompleteAndInOrder() throws Exception {
        int total = 100_000;
        Node a = node("A", settings().withLimits(1 << 20, total));
        AtomicLong expected = new AtomicLong();
        AtomicLong outOfOrder = new AtomicLong();
        CountDownLatch done = new CountDownLatch(total);
        PeerTransport b = receiver("B", (from, frame) -> {
            long seq = ByteBuffer.wrap(frame).getLong();
            if (seq != expected.getAndIncrement()) outOfOrder.incrementAndGet();
            done.countDown();
        });

        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            a.transport.send(NodeId.of("B"), b.localAddress(), ByteBuffer.allocate(32).putLong(i).array());
        }
        assertThat(done.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("all frames arrived").isTrue();
        long nanos = System.nanoTime() - start;

        assertThat(outOfOrder.get()).isZero();
        assertThat(expected.get()).isEqualTo(total);
        System.out.printf("pipelined: %,d frames of 32 bytes in %.1f ms = %,.0f frames/s%n", total, nanos / 1e6,
                total * 1e9 / nanos);
    }

    @Test
    void concurrentSendersKeepTheirOwnOrder() throws Exception {
        int senders = 4;
        int perSender = 25_000;
        Node a = node("A", settings().withLimits(1 << 20, senders * perSender));
        long[] next = new long[senders];
        AtomicLong outOfOrder = new AtomicLong();
        CountDownLatch done = new CountDownLatch(senders * perSender);
        PeerTransport b = receiver("B", (from, frame) -> {
            ByteBuffer buf = ByteBuffer.wrap(frame);
            int sender = buf.getInt();
            long seq = buf.getLong();
            if (seq != next[sender]++) outOfOrder.incrementAndGet(); // only the one reader thread touches next
            done.countDown();
        });

        Thread[] threads = new Thread[senders];
        AtomicReference<Throwable> error = new AtomicReference<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            threads[s] = new Thread(() -> {
                try {
                    for (long i = 0; i < perSender; i++) {
                        a.transport.send(NodeId.of("B"), b.localAddress(),
                                ByteBuffer.allocate(24).putInt(sender).putLong(i).array());
                    }
                } catch (Throwable t) {
                    error.set(t);
                }
            }, "test-sender-" + s);
            threads[s].start();
        }
        for (Thread t : threads) t.join(DEADLINE.toMillis());
        assertThat(error.get()).isNull();
        assertThat(done.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("all frames arrived").isTrue();
        assertThat(outOfOrder.get()).isZero();
        assertThat(next).containsOnly(perSender);
    }

    @Test
    void requestReplyPingPong() throws Exception {
        Node a = node("A"); // its handler queues the replies in a.frames
        AtomicReference<PeerTransport> bRef = new AtomicReference<>();
        PeerTransport b = receiver("B", (from, frame) -> bRef.get().send(from, a.address(), frame)); // echo
        bRef.set(b);
        int warmup = 2_000;
        int measured = 5_000;
        long[] rtt = new long[measured];
        for (int i = 0; i < warmup + measured; i++) {
            byte[] request = ByteBuffer.allocate(64).putInt(i).array();
            long t0 = System.nanoTime();
            a.transport.send(NodeId.of("B"), b.localAddress(), request);
            Received reply = a.frames.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            long t1 = System.nanoTime();
            assertThat(reply).as("reply %d", i).isNotNull();
            assertThat(ByteBuffer.wrap(reply.frame()).getInt()).isEqualTo(i);
            if (i >= warmup) rtt[i - warmup] = t1 - t0;
        }
        Arrays.sort(rtt);
        System.out.printf("ping-pong round trip over loopback: median %.1f us, p90 %.1f us, p99 %.1f us%n",
                rtt[measured / 2] / 1e3, rtt[measured * 9 / 10] / 1e3, rtt[measured * 99 / 100] / 1e3);
    }

    @Test
    void oversizedSendIsRejectedAtOnce() throws Exception {
        Node a = node("A", settings().withLimits(1000, 10));
        Node b = node("B");

        assertThatThrownBy(() -> a.send(b, new byte[1001]))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("1001")
                .hasMessageContaining("maxFrameBytes");
        a.send(b, new byte[1000]); // the limit itself is fine
        assertThat(b.nextFrame().frame()).hasSize(1000);
    }

    @Test
    void fullQueueRejectsInsteadOfGrowing() throws Exception {
        // a "peer" that accepts TCP connections but never answers the handshake: the writer is stuck there
        ServerSocket silent = new ServerSocket(0, 50, LOOPBACK);
        toClose.add(silent);
        Node a = node("A", settings().withLimits(1000, 10).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)));
        InetSocketAddress address = new InetSocketAddress(LOOPBACK, silent.getLocalPort());
        NodeId b = NodeId.of("B");

        // the first frame is taken by the writer, which then hangs in the handshake with the silent peer
        a.transport.send(b, address, new byte[8]);
        silent.setSoTimeout((int) DEADLINE.toMillis());
        toClose.add(silent.accept());

        int accepted = 0;
        TransportException full = null;
        for (int i = 0; i < 20 && full == null; i++) {
            try {
                a.transport.send(b, address, new byte[8]);
                accepted++;
            } catch (TransportException e) {
                full = e;
            }
        }
        assertThat(accepted).isEqualTo(10);
        assertThat(full).isNotNull();
        assertThat(full.getMessage()).contains("queue to B is full", "10 frames");
    }

    @Test
    void largeFramesCrossTheBufferBoundaries() throws Exception {
        Node a = node("A", settings().withLimits(4 << 20, 100));
        Node b = node("B", settings().withLimits(4 << 20, 100));
        byte[] big = new byte[3 << 20];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        a.send(b, utf8("small"));
        a.send(b, big);
        a.send(b, utf8("after"));

        assertThat(b.nextFrame().text()).isEqualTo("small");
        assertThat(b.nextFrame().frame()).isEqualTo(big);
        assertThat(b.nextFrame().text()).isEqualTo("after");
    }

    @Test
    void handlerExceptionDoesNotKillTheReader() throws Exception {
        Node a = node("A");
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(10);
        PeerTransport b = receiver("B", (from, frame) -> {
            String text = new String(frame);
            if (text.equals("boom")) throw new IllegalStateException("handler bug");
            seen.add(text);
        });
        a.transport.send(NodeId.of("B"), b.localAddress(), utf8("boom"));
        a.transport.send(NodeId.of("B"), b.localAddress(), utf8("still alive"));

        assertThat(seen.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("still alive");
        assertThat(log.count("frame handler failed")).isEqualTo(1);
    }

    @Test
    void deadPeerIsReportedThenWorksAgainAfterRestartOnTheSamePort() throws Exception {
        Node a = node("A");
        Node b = node("B");
        int port = b.address().getPort();
        InetSocketAddress bAddress = b.address();
        a.send(b, utf8("before"));
        assertThat(b.nextFrame().text()).isEqualTo("before");

        b.transport.close();
        await("A notices that B closed the connection", DEADLINE, () -> !a.transport.connectedTo(b.id));
        for (int i = 0; i < 3; i++) a.transport.send(b.id, bAddress, utf8("lost " + i));

        int dropped = 0;
        while (dropped < 3) { // normally one report of 3; a slow test thread may see the first frame dropped alone
            SendFailure failure = a.nextFailure();
            assertThat(failure.to()).isEqualTo(b.id);
            assertThat(failure.cause()).isInstanceOf(ConnectException.class);
            dropped += failure.dropped();
        }
        assertThat(dropped).isEqualTo(3);

        Node restarted = node("B", settings().withPort(port));
        a.transport.send(b.id, bAddress, utf8("after restart"));
        Received r = restarted.nextFrame();
        assertThat(r.text()).isEqualTo("after restart");
        assertThat(r.from()).isEqualTo(a.id);
        assertThat(a.failures).isEmpty();
    }

    @Test
    void neverReachablePeerIsReported() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            deadPort = s.getLocalPort();
        }
        Node a = node("A");
        NodeId b = NodeId.of("B");
        InetSocketAddress dead = new InetSocketAddress(LOOPBACK, deadPort);
        a.transport.send(b, dead, utf8("1"));
        a.transport.send(b, dead, utf8("2"));

        int dropped = 0;
        while (dropped < 2) dropped += a.nextFailure().dropped();
        assertThat(dropped).isEqualTo(2);
        assertThat(log.count("dropped")).isGreaterThanOrEqualTo(1);

        // comes up later on that port: sending works
        Node late = node("B", settings().withPort(deadPort));
        a.transport.send(b, dead, utf8("3"));
        assertThat(late.nextFrame().text()).isEqualTo("3");
    }

    @Test
    void rejectingAuthenticatorKeepsFramesFromTheHandler() throws Exception {
        Authenticator rejectAll = new Authenticator() {
            @Override
            public byte[] helloProof(NodeId self, byte[] challenge) {
                return new byte[0];
            }

            @Override
            public boolean verify(NodeId claimed, byte[] challenge, byte[] proof) {
                return false;
            }
        };
        Node b = node("B", settings().withAuthenticator(rejectAll));
        Node a = node("A");
        a.send(b, utf8("secret"));

        SendFailure failure = a.nextFailure();
        assertThat(failure.dropped()).isEqualTo(1);
        assertThat(failure.cause()).isInstanceOf(Handshake.HandshakeException.class).hasMessageContaining("rejected");
        assertThat(b.frames).isEmpty();
        await("B warns", DEADLINE, () -> log.count("authenticator rejected 'A'") > 0);
        assertThat(log.count("authenticator rejected 'A'")).isEqualTo(1); // 3 attempts, one rate-limited line
        await("B's reader threads end", DEADLINE, () -> threads("B", "reader") == 0);
        assertThat(b.frames).isEmpty();
    }

    @Test
    void authenticatorSeesNameChallengeAndProof() throws Exception {
        // toy scheme: proof = challenge XOR name's first byte; the server recomputes it
        Authenticator xor = new Authenticator() {
            @Override
            public byte[] helloProof(NodeId self, byte[] challenge) {
                byte[] proof = challenge.clone();
                for (int i = 0; i < proof.length; i++) proof[i] ^= self.name().charAt(0);
                return proof;
            }

            @Override
            public boolean verify(NodeId claimed, byte[] challenge, byte[] proof) {
                return Arrays.equals(helloProof(claimed, challenge), proof);
            }
        };
        Node a = node("A", settings().withAuthenticator(xor));
        Node b = node("B", settings().withAuthenticator(xor));
        a.send(b, utf8("ping"));
        assertThat(b.nextFrame().text()).isEqualTo("ping");

        // a raw client with an empty proof is turned away
        Socket raw = rawSocket(b.address());
        raw.getInputStream().readNBytes(16);
        raw.getOutputStream().write(ByteBuffer.allocate(4 + 1 + 1 + 2).put(utf8("PHT1")).put((byte) 1)
                .put((byte) 'A').putShort((short) 0).array());
        assertThat(raw.getInputStream().read()).as("status byte: rejected").isEqualTo(0);
        assertThat(closedByPeer(raw)).isTrue();
    }

    @Test
    void addressChangeMakesTheWriterReconnect() throws Exception {
        Node a = node("A");
        Node b1 = node("B");
        a.send(b1, utf8("to first"));
        assertThat(b1.nextFrame().text()).isEqualTo("to first");

        Node b2 = node("B"); // same name, another port (a restarted node that got a new port)
        a.send(b2, utf8("to second"));
        assertThat(b2.nextFrame().text()).isEqualTo("to second");
        assertThat(b1.frames).isEmpty();
    }

    @Test
    void forgetReleasesThePeersThreadsAndSockets() throws Exception {
        Node a = node("A");
        Node b = node("B");
        a.send(b, utf8("x"));
        b.send(a, utf8("y"));
        b.nextFrame();
        a.nextFrame();
        assertThat(threads("A", "writer-B")).isEqualTo(1);
        assertThat(threads("A", "watch-B")).isEqualTo(1);
        assertThat(threads("A", "reader-B")).isEqualTo(1);

        a.transport.forget(b.id);

        await("A's threads for B end", DEADLINE, () -> threads("A", "writer-B") == 0
                && threads("A", "watch-B") == 0 && threads("A", "reader-B") == 0);
        assertThat(a.transport.inboundCount()).isZero();
        assertThat(a.transport.connectedTo(b.id)).isFalse();
        // B notices its connection to A is gone
        await("B's connection to A closed", DEADLINE, () -> !b.transport.connectedTo(a.id));

        // both directions work again afterwards
        a.send(b, utf8("again"));
        b.send(a, utf8("again"));
        assertThat(b.nextFrame().text()).isEqualTo("again");
        assertThat(a.nextFrame().text()).isEqualTo("again");
    }

    @Test
    void closeSendsWhatIsQueuedThenReleasesEverything() throws Exception {
        Node a = node("A");
        Node b = node("B");
        a.send(b, utf8("connect"));
        b.send(a, utf8("connect"));
        b.nextFrame();
        a.nextFrame();
        int port = a.address().getPort();

        for (int i = 0; i < 1000; i++) a.send(b, intBytes(i));
        a.transport.close();

        assertThat(threads("A", "")).as("A's threads after close").isZero();
        for (int i = 0; i < 1000; i++) {
            assertThat(ByteBuffer.wrap(b.nextFrame().frame()).getInt()).isEqualTo(i);
        }
        assertThatThrownBy(() -> a.send(b, utf8("late"))).isInstanceOf(TransportException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> new Socket(LOOPBACK, port).close()).isInstanceOf(ConnectException.class);
        await("B's connection to A closed", DEADLINE, () -> !b.transport.connectedTo(a.id)
                && b.transport.inboundCount() == 0);
        a.transport.close(); // idempotent
    }

    @Test
    void closeFromAHandlerDoesNotDeadlock() throws Exception {
        Node a = node("A");
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<PeerTransport> bRef = new AtomicReference<>();
        PeerTransport b = receiver("B", (from, frame) -> {
            calls.incrementAndGet();
            bRef.get().close();
        });
        bRef.set(b);
        a.transport.send(NodeId.of("B"), b.localAddress(), utf8("close yourself"));
        await("B closed", DEADLINE, () -> calls.get() == 1 && threads("B", "") == 0);
    }

    /** A transport with a custom frame handler. */
    private PeerTransport receiver(String name, java.util.function.BiConsumer<NodeId, byte[]> onFrame)
            throws Exception {
        PeerTransport t = new PeerTransport(NodeId.of(name), settings(), onFrame::accept, log);
        toClose.add(t);
        return t;
    }
}
