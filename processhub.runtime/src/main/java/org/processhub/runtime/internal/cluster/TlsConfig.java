package org.processhub.runtime.internal.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ServerSocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS with mutual authentication for discovery, communication and the ProcessHub transport: this node's
 * key and certificate (keystore) and the CAs it trusts (truststore). A peer must present a certificate
 * signed by a trusted CA, in both directions. Passwords are never shown by {@link #toString()}.
 */
public record TlsConfig(Path keystore, char[] keystorePassword, Path truststore, char[] truststorePassword,
        String storeType, String protocol) {

    /** Builds and checks the SSL context; a bad file or password is reported naming the option. */
    public SSLContext context() {
        try {
            KeyStore ks = load(keystore, keystorePassword, "tls.keystore");
            KeyStore ts = load(truststore, truststorePassword, "tls.truststore");
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, keystorePassword);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance(protocol);
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("option tls.keystore/tls.truststore: cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private KeyStore load(Path file, char[] password, String option) throws GeneralSecurityException {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("option " + option + ": cannot read " + file);
        }
        KeyStore ks = KeyStore.getInstance(storeType);
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        } catch (IOException e) {
            throw new IllegalArgumentException("option " + option + ": cannot open " + file + " (" + e.getMessage()
                    + "; wrong password or store type?)", e);
        }
        return ks;
    }

    /** Server sockets that require a client certificate (mutual TLS). */
    public static ServerSocketFactory mutualServerSockets(SSLContext ctx) {
        SSLServerSocketFactory f = ctx.getServerSocketFactory();
        return new ServerSocketFactory() {
            private ServerSocket need(ServerSocket s) {
                ((SSLServerSocket) s).setNeedClientAuth(true);
                return s;
            }

            @Override
            public ServerSocket createServerSocket() throws IOException {
                return need(f.createServerSocket());
            }

            @Override
            public ServerSocket createServerSocket(int port) throws IOException {
                return need(f.createServerSocket(port));
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog) throws IOException {
                return need(f.createServerSocket(port, backlog));
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog, InetAddress addr) throws IOException {
                return need(f.createServerSocket(port, backlog, addr));
            }
        };
    }

    @Override
    public String toString() {
        return "TlsConfig[keystore=" + keystore + ", truststore=" + truststore + ", type=" + storeType + ", protocol=" + protocol + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsConfig t && keystore.equals(t.keystore) && truststore.equals(t.truststore)
                && java.util.Arrays.equals(keystorePassword, t.keystorePassword)
                && java.util.Arrays.equals(truststorePassword, t.truststorePassword)
                && storeType.equals(t.storeType) && protocol.equals(t.protocol);
    }

    @Override
    public int hashCode() {
        return keystore.hashCode();
    }
}
