package org.processhub.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile or broken clients must not crash, hang or leak threads in the transport. */
class PeerTransportRobustnessTest extends TransportTestSupport {
    private static final Duration SHORT_HANDSHAKE = Duration.ofMillis(300);

    @Test
    void oversizedOrNegativeLengthAfterHandshakeClosesOnlyThatConnection() throws Exception {
        Node b = node("B", settings().withLimits(1 << 20, 1000));
        Node a = node("A");
        a.send(b, utf8("before"));
        assertThat(b.nextFrame().text()).isEqualTo("before");

        for (int length : new int[] {(1 << 20) + 1, Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
            Socket raw = rawSocket(b.address());
            rawHandshake(raw, "X");
            OutputStream out = raw.getOutputStream();
            out.write(intBytes(3));
            out.write(utf8("ok!"));
            out.write(intBytes(length));
            out.flush();
            assertThat(closedByPeer(raw)).as("connection with length %d closed", length).isTrue();
            Received ok = b.nextFrame();
            assertThat(ok.from().name()).isEqualTo("X");
            assertThat(ok.text()).isEqualTo("ok!");
        }
        // four bad connections from one address, one warning
        assertThat(log.count("outside 0..")).isEqualTo(1);

        // the legitimate peer is unaffected
        a.send(b, utf8("after"));
        assertThat(b.nextFrame().text()).isEqualTo("after");
        await("raw readers end", DEADLINE, () -> threads("B", "reader") == 1);
        assertThat(b.frames).isEmpty();
    }

    @Test
    void garbageSilenceAndTruncatedHandshakesDoNotHurt() throws Exception {
        Node b = node("B", settings().withTimeouts(Duration.ofSeconds(2), SHORT_HANDSHAKE));
        Random random = new Random(42);
        List<Socket> raws = new ArrayList<>();

        // random bytes
        for (int i = 0; i < 3; i++) {
            Socket s = rawSocket(b.address());
            byte[] junk = new byte[1 + random.nextInt(4000)];
            random.nextBytes(junk);
            s.getOutputStream().write(junk);
            raws.add(s);
        }
        // a frame header with a huge length instead of a hello
        Socket huge = rawSocket(b.address());
        huge.getOutputStream().write(intBytes(Integer.MAX_VALUE));
        raws.add(huge);
        // a correct magic, then a name cut short, then silence
        Socket truncated = rawSocket(b.address());
        truncated.getOutputStream().write(ByteBuffer.allocate(4 + 1 + 3).put(utf8("PHT1")).put((byte) 10)
                .put(utf8("abc")).array());
        raws.add(truncated);
        // a hello announcing a proof longer than allowed
        Socket longProof = rawSocket(b.address());
        longProof.getOutputStream().write(ByteBuffer.allocate(4 + 1 + 1 + 2).put(utf8("PHT1")).put((byte) 1)
                .put((byte) 'Z').putShort((short) 0xFFFF).array());
        raws.add(longProof);
        // an invalid UTF-8 name
        Socket badName = rawSocket(b.address());
        badName.getOutputStream().write(ByteBuffer.allocate(4 + 1 + 2 + 2).put(utf8("PHT1")).put((byte) 2)
                .put((byte) 0xC3).put((byte) 0x28).putShort((short) 0).array());
        raws.add(badName);
        // nothing at all
        raws.add(rawSocket(b.address()));
        // connect and leave at once
        rawSocket(b.address()).close();

        long start = System.nanoTime();
        for (Socket s : raws) assertThat(closedByPeer(s)).as("server closed %s", s).isTrue();
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(waitedMillis).as("bounded by the handshake timeout").isLessThan(5_000);
        await("B's reader threads end", DEADLINE, () -> threads("B", "reader") == 0);
        assertThat(b.transport.inboundCount()).isZero();

        // a legitimate peer still gets through
        Node a = node("A");
        a.send(b, utf8("hello"));
        assertThat(b.nextFrame().text()).isEqualTo("hello");
        assertThat(threads("B", "reader")).isEqualTo(1);
        assertThat(b.frames).isEmpty();
        // one warning line for the whole flood from 127.0.0.1
        assertThat(log.warnings.stream().filter(w -> w.contains("127.0.0.1")).count()).isEqualTo(1);
    }

    @Test
    void floodOfSilentConnectionsIsBounded() throws Exception {
        Node b = node("B", settings().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3)));
        List<Socket> raws = new ArrayList<>();
        for (int i = 0; i < PeerTransport.MAX_PENDING_HANDSHAKES + 20; i++) raws.add(rawSocket(b.address()));

        await("excess connections refused", DEADLINE,
                () -> threads("B", "reader") == PeerTransport.MAX_PENDING_HANDSHAKES
                        && b.transport.inboundCount() == PeerTransport.MAX_PENDING_HANDSHAKES);
        for (Socket s : raws) s.close();
        await("B's reader threads end", DEADLINE, () -> threads("B", "reader") == 0);

        Node a = node("A");
        a.send(b, utf8("hello"));
        assertThat(b.nextFrame().text()).isEqualTo("hello");
    }
}
