package org.processhub.runtime.internal.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Finds runs of free TCP ports, for nodes configured with port 0 (and for the benchmarks' in-JVM nodes). */
public final class FreePorts {
    private FreePorts() {}

    /** The first of {@code count} consecutive ports that are free on {@code host} right now. */
    public static int range(String host, int count) {
        InetAddress addr;
        try {
            addr = InetAddress.getByName(host);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int attempt = 0; attempt < 500; attempt++) {
            int base = 20000 + ThreadLocalRandom.current().nextInt(30000);
            boolean free = true;
            for (int p = base; p < base + count && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, addr)) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) return base;
        }
        throw new IllegalStateException("no " + count + " free consecutive ports on " + host);
    }
}
