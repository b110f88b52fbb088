package org.processhub.benchmarks.cluster;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The raw TCP round-trip floor of this host, measured in the same run as the calls (the remote-call target
 * is relative to it): 64-byte request, 64-byte echo, blocking sockets, one in flight, between the driver JVM
 * and a second JVM running {@link #main} (as in {@code shared/reference/transport-floor.md}, "tcp64").
 */
public final class TcpFloor {
    private TcpFloor() {}

    /** Echo server: prints its port, then echoes 64-byte frames on each accepted connection. */
    public static void main(String[] args) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            System.out.println("PORT " + server.getLocalPort());
            System.out.flush();
            while (true) {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Thread t = new Thread(() -> echo(s));
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void echo(Socket s) {
        byte[] buf = new byte[64];
        try (s; DataInputStream in = new DataInputStream(s.getInputStream()); DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
            while (true) {
                in.readFully(buf);
                out.write(buf);
                out.flush();
            }
        } catch (IOException e) {
            // client gone
        }
    }

    /** Warm-up, then {@code n} timed round trips; percentiles in µs. */
    static Map<String, Object> measure(int port, int warmup, int n) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] buf = new byte[64];
            for (int i = 0; i < warmup; i++) {
                out.write(buf);
                out.flush();
                in.readFully(buf);
            }
            long[] lat = new long[n];
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                out.write(buf);
                out.flush();
                in.readFully(buf);
                lat[i] = System.nanoTime() - t;
            }
            Arrays.sort(lat);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", n);
            m.put("p50_us", Stats.round(at(lat, 0.5) / 1000.0));
            m.put("p99_us", Stats.round(at(lat, 0.99) / 1000.0));
            m.put("p999_us", Stats.round(at(lat, 0.999) / 1000.0));
            return m;
        }
    }

    private static long at(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
