package org.processhub.runtime.internal.cluster;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.processhub.runtime.internal.log.Log;

/**
 * Heals a split cluster. Ignite's TCP discovery never merges two clusters that lost sight of each other:
 * after the network heals both sides keep running apart. Each node therefore answers on a small beacon
 * (discovery port + offset) with its cluster's name, oldest node and size, and probes the beacons of
 * every configured discovery address. When it finds a cluster of its name that is larger than its own
 * (equal size: the one whose oldest node id sorts first), it rejoins that cluster (Hazelcast's split-brain
 * merge model). A probe sends a magic and a random nonce (the beacon reads those 20 bytes and nothing
 * more); with a cluster secret the answer carries an HMAC of the nonce and the answer, and probes ignore
 * answers without a valid one, so nobody without the secret can lure nodes into another cluster.
 */
final class MergeBeacon implements AutoCloseable {
    private static final int MAGIC = 0x50484232; // "PHB2"
    private static final int NONCE = 16;
    private static final int CONNECT_MS = 300;
    private static final int READ_MS = 500;
    private static final int MAX_ANSWER = 1024;

    /** What a node says about its cluster. */
    record Answer(String clusterName, String oldestId, int size, String discoveryAddress) {}

    private final NodeSettings settings;
    private final Supplier<Answer> self;
    private final Consumer<List<String>> rejoin;
    private final Log log;
    private final ServerSocket server;
    private final Thread acceptor;
    private final ExecutorService probes;
    private final ExecutorService answers;
    private final javax.net.SocketFactory sockets;
    private final ScheduledFuture<?> task;
    private final List<InetSocketAddress> targets = new ArrayList<>();
    private volatile boolean closed;
    private long quietUntil;

    /**
     * @param self this node's answer, or null while it has no cluster
     * @param rejoin called (on the timer thread) with the discovery addresses of the cluster to join
     */
    MergeBeacon(NodeSettings settings, Supplier<Answer> self, Consumer<List<String>> rejoin,
            ScheduledExecutorService timer, Log log) throws IOException {
        this.settings = settings;
        this.self = self;
        this.rejoin = rejoin;
        this.log = log;
        int offset = settings.mergeBeaconOffset();
        InetAddress bind = InetAddress.getByName(settings.localAddress());
        javax.net.ServerSocketFactory servers = javax.net.ServerSocketFactory.getDefault();
        javax.net.SocketFactory clients = javax.net.SocketFactory.getDefault();
        if (settings.tls() != null) { // only nodes with a trusted certificate may ask or answer
            javax.net.ssl.SSLContext ctx = settings.tls().context();
            servers = TlsConfig.mutualServerSockets(ctx);
            clients = ctx.getSocketFactory();
        }
        this.sockets = clients;
        this.server = bindFirstFree(servers, bind, settings.discoveryPort() + offset, settings.discoveryPortRange());
        for (String a : settings.expandedDiscoveryAddresses()) {
            int colon = a.lastIndexOf(':');
            InetSocketAddress t = new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)) + offset);
            if (!(t.getAddress() != null && t.getAddress().equals(bind) && t.getPort() == server.getLocalPort())) targets.add(t);
        }
        this.answers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ph-beacon-answer");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::serve, "ph-beacon-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        this.probes = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "ph-beacon-probe");
            t.setDaemon(true);
            return t;
        });
        long ms = settings.mergeInterval().toMillis();
        this.task = timer.scheduleWithFixedDelay(this::probeSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    int port() {
        return server.getLocalPort();
    }

    private static ServerSocket bindFirstFree(javax.net.ServerSocketFactory factory, InetAddress bind, int from, int range)
            throws IOException {
        IOException last = null;
        for (int p = from; p <= from + range; p++) {
            try {
                ServerSocket s = factory.createServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(bind, p), 16);
                return s;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no free merge beacon port in " + from + ".." + (from + range) + " (merge.beacon.offset)", last);
    }

    private void serve() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (closed) return;
                continue;
            }
            try {
                answers.execute(() -> answer(s));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                closeQuietly(s);
            }
        }
    }

    /** Reads the probe's magic and nonce (20 bytes, within the read timeout) and answers. */
    private void answer(Socket s) {
        try (s) {
            s.setSoTimeout(READ_MS);
            DataInputStream in = new DataInputStream(new Bounded(s.getInputStream(), 4 + NONCE));
            if (in.readInt() != MAGIC) return; // not a probe: say nothing
            byte[] nonce = new byte[NONCE];
            in.readFully(nonce);
            Answer a = self.get();
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(MAGIC);
            out.writeBoolean(a != null);
            if (a != null) {
                out.writeUTF(a.clusterName());
                out.writeUTF(a.oldestId());
                out.writeInt(a.size());
                out.writeUTF(a.discoveryAddress());
                byte[] proof = settings.secret() == null ? new byte[0] : settings.secret().proof("beacon", nonce, bytes(a));
                out.writeShort(proof.length);
                out.write(proof);
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            log.debug(() -> "beacon: " + e);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private void probeSafely() {
        try {
            probe();
        } catch (RuntimeException e) {
            log.warn("merge probe failed: " + e, e);
        }
    }

    private void probe() {
        if (closed || System.nanoTime() < quietUntil) return;
        Answer me = self.get();
        if (me == null) return;
        List<CompletableFuture<Optional<Answer>>> asks = new ArrayList<>();
        for (InetSocketAddress t : targets) asks.add(CompletableFuture.supplyAsync(() -> ask(t), probes));
        List<Answer> foreign = asks.stream().map(CompletableFuture::join).flatMap(Optional::stream)
                .filter(a -> a.clusterName().equals(me.clusterName()) && !a.oldestId().equals(me.oldestId()))
                .toList();
        if (foreign.isEmpty()) return;
        Map<String, List<Answer>> byCluster = foreign.stream().collect(Collectors.groupingBy(Answer::oldestId));
        Map.Entry<String, List<Answer>> best = byCluster.entrySet().stream()
                .max(Comparator.comparingInt((Map.Entry<String, List<Answer>> e) -> size(e.getValue()))
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .orElseThrow();
        int theirs = size(best.getValue());
        boolean join = theirs > me.size() || (theirs == me.size() && best.getKey().compareTo(me.oldestId()) < 0);
        if (!join) {
            log.debug(() -> "another cluster of " + theirs + " node(s) is reachable; it will join us");
            return;
        }
        List<String> addresses = best.getValue().stream().map(Answer::discoveryAddress).distinct().toList();
        log.warn("found another '" + me.clusterName() + "' cluster of " + theirs + " node(s) (we have " + me.size()
                + "): the network split has healed; rejoining it at " + addresses);
        quietUntil = System.nanoTime() + 3 * settings.mergeInterval().toNanos() + TimeUnit.SECONDS.toNanos(5);
        rejoin.accept(addresses);
    }

    private static byte[] bytes(Answer a) {
        return (a.clusterName() + "|" + a.oldestId() + "|" + a.size() + "|" + a.discoveryAddress())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private static int size(List<Answer> answers) {
        return answers.stream().mapToInt(Answer::size).max().orElse(0);
    }

    /** Asks one beacon; empty if it does not answer properly in time. Reads at most {@value #MAX_ANSWER} bytes. */
    private Optional<Answer> ask(InetSocketAddress target) {
        try (Socket s = sockets.createSocket()) {
            s.connect(target, CONNECT_MS);
            s.setSoTimeout(READ_MS);
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(MAGIC);
            out.write(nonce);
            out.flush();
            DataInputStream in = new DataInputStream(new Bounded(s.getInputStream(), MAX_ANSWER));
            if (in.readInt() != MAGIC || !in.readBoolean()) return Optional.empty();
            Answer a = new Answer(in.readUTF(), in.readUTF(), in.readInt(), in.readUTF());
            byte[] proof = new byte[in.readUnsignedShort()];
            in.readFully(proof);
            if (settings.secret() != null && !settings.secret().verify(proof, "beacon", nonce, bytes(a))) {
                log.debug(() -> "ignoring a merge beacon at " + target + " that does not know the cluster secret");
                return Optional.empty();
            }
            return Optional.of(a);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        closed = true;
        task.cancel(false);
        probes.shutdownNow();
        answers.shutdownNow();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Stops reading after {@code max} bytes, so a hostile beacon cannot make us read forever. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private int left;

        Bounded(InputStream in, int max) {
            this.in = in;
            this.left = max;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) throw new IOException("beacon answer too long");
            left--;
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) throw new IOException("beacon answer too long");
            int n = in.read(b, off, Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }
}
