package org.processhub.runtime.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport takes its sockets from the settings' factories; with SSL factories it must work unchanged
 * (no channels, no half-close). Uses a throwaway self-signed key made by the JDK's keytool.
 */
class PeerTransportTlsTest extends TransportTestSupport {

    @Test
    void worksOverTls(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        SSLContext tls = selfSignedContext(dir);
        System.out.printf("keytool + SSLContext: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        TransportSettings overTls = settings().withSocketFactories(tls.getSocketFactory(), tls.getServerSocketFactory());
        Node a = node("A", overTls);
        Node b = node("B", overTls);

        a.send(b, utf8("over tls"));
        b.send(a, utf8("and back"));
        for (int i = 0; i < 1000; i++) a.send(b, intBytes(i));
        assertThat(b.nextFrame().text()).isEqualTo("over tls");
        assertThat(a.nextFrame().text()).isEqualTo("and back");
        for (int i = 0; i < 1000; i++) assertThat(b.nextFrame().frame()).isEqualTo(intBytes(i));

        // a plain-TCP client is turned away within the handshake timeout, B keeps serving
        java.net.Socket plain = rawSocket(b.address());
        plain.getOutputStream().write(utf8("PHT1 not tls"));
        assertThat(closedByPeer(plain)).isTrue();
        await("B warns about the failed TLS handshake", DEADLINE, () -> log.count("TLS handshake with") == 1);

        // forget and reconnect, then close: nothing hangs on SSL sockets
        a.transport.forget(b.id);
        await("A's threads for B end", DEADLINE, () -> threads("A", "writer-B") == 0 && threads("A", "reader-B") == 0);
        a.send(b, utf8("again"));
        assertThat(b.nextFrame().text()).isEqualTo("again");
        long start = System.nanoTime();
        a.transport.close();
        b.transport.close();
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("closing both TLS transports: %d ms, test total %d ms%n", closeMillis,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        assertThat(closeMillis).isLessThan(5_000);
        assertThat(threads("A", "") + threads("B", "")).isZero();
    }

    private static SSLContext selfSignedContext(Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeTrue(Files.isExecutable(keytool), "keytool not available");
        Path store = dir.resolve("node.p12");
        char[] password = "changeit".toCharArray();
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "node", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=processhub-test", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        try (InputStream out = p.getInputStream()) {
            out.readAllBytes();
        }
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed");

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

}
