package org.processhub.runtime.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.processhub.runtime.internal.log.Log;

/** Two beacons on loopback: the node of the smaller cluster (or the tie loser) decides to rejoin the other. */
class MergeBeaconTest {
    final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    NodeSettings settings(int base) {
        return NodeSettings.from(Map.of("discovery.port", base, "discovery.port.range", 1,
                "discovery.addresses", "127.0.0.1:" + base + ".." + (base + 1), "merge.beacon.offset", 1000,
                "merge.interval.ms", 150));
    }

    static boolean await(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (c.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return c.getAsBoolean();
    }

    @Test
    void theSmallerClusterRejoinsTheLargerOne() throws Exception {
        int base = beaconBase();
        List<List<String>> smallRejoins = new CopyOnWriteArrayList<>();
        List<List<String>> largeRejoins = new CopyOnWriteArrayList<>();
        try (MergeBeacon small = new MergeBeacon(settings(base),
                () -> new MergeBeacon.Answer("processhub", "z-oldest", 1, "127.0.0.1:" + base), smallRejoins::add, timer, Log.NONE);
             MergeBeacon large = new MergeBeacon(settings(base),
                () -> new MergeBeacon.Answer("processhub", "y-oldest", 2, "127.0.0.1:" + (base + 1)), largeRejoins::add, timer, Log.NONE)) {
            assertThat(small.port()).isNotEqualTo(large.port());
            assertThat(await(() -> !smallRejoins.isEmpty())).isTrue();
            assertThat(smallRejoins.get(0)).containsExactly("127.0.0.1:" + (base + 1));
            Thread.sleep(600); // several probe rounds of the larger side
            assertThat(largeRejoins).isEmpty();
        }
    }

    @Test
    void onEqualSizesTheClusterWhoseOldestSortsFirstWinsAndOtherNamesAreIgnored() throws Exception {
        int base = beaconBase();
        List<List<String>> aRejoins = new CopyOnWriteArrayList<>();
        List<List<String>> bRejoins = new CopyOnWriteArrayList<>();
        List<List<String>> otherRejoins = new CopyOnWriteArrayList<>();
        try (MergeBeacon a = new MergeBeacon(settings(base),
                () -> new MergeBeacon.Answer("processhub", "a-oldest", 2, "127.0.0.1:" + base), aRejoins::add, timer, Log.NONE);
             MergeBeacon b = new MergeBeacon(settings(base),
                () -> new MergeBeacon.Answer("processhub", "b-oldest", 2, "127.0.0.1:" + (base + 1)), bRejoins::add, timer, Log.NONE)) {
            assertThat(await(() -> !bRejoins.isEmpty())).isTrue();
            assertThat(bRejoins.get(0)).containsExactly("127.0.0.1:" + base);
            assertThat(aRejoins).isEmpty();
        }
        int base2 = beaconBase();
        try (MergeBeacon big = new MergeBeacon(settings(base2),
                () -> new MergeBeacon.Answer("other-cluster", "a", 9, "127.0.0.1:" + base2), x -> {}, timer, Log.NONE);
             MergeBeacon lone = new MergeBeacon(settings(base2),
                () -> new MergeBeacon.Answer("processhub", "b", 1, "127.0.0.1:" + (base2 + 1)), otherRejoins::add, timer, Log.NONE)) {
            Thread.sleep(800);
            assertThat(otherRejoins).as("a cluster of another name is never joined").isEmpty();
        }
    }

    @Test
    void withASecretOnlyBeaconsThatKnowItAreBelieved() throws Exception {
        int base = beaconBase();
        Secret ours = Secret.of("the secret of this cluster", "secret");
        Secret theirs = Secret.of("a secret of another cluster", "secret");
        List<List<String>> rejoins = new CopyOnWriteArrayList<>();
        try (MergeBeacon small = new MergeBeacon(settings(base).withSecurity(ours, null),
                () -> new MergeBeacon.Answer("processhub", "z", 1, "127.0.0.1:" + base), rejoins::add, timer, Log.NONE);
             MergeBeacon liar = new MergeBeacon(settings(base).withSecurity(theirs, null),
                () -> new MergeBeacon.Answer("processhub", "a", 50, "127.0.0.1:" + (base + 1)), x -> {}, timer, Log.NONE)) {
            Thread.sleep(800); // several probe rounds
            assertThat(rejoins).as("a bigger cluster without our secret does not lure us away").isEmpty();
        }
        int base3 = beaconBase();
        try (MergeBeacon small = new MergeBeacon(settings(base3).withSecurity(ours, null),
                () -> new MergeBeacon.Answer("processhub", "z", 1, "127.0.0.1:" + base3), rejoins::add, timer, Log.NONE);
             MergeBeacon friend = new MergeBeacon(settings(base3).withSecurity(ours, null),
                () -> new MergeBeacon.Answer("processhub", "a", 2, "127.0.0.1:" + (base3 + 1)), x -> {}, timer, Log.NONE)) {
            assertThat(await(() -> !rejoins.isEmpty())).as("the same secret is believed").isTrue();
        }
    }

    /** Two free discovery ports whose beacon ports (+1000) are free too: other processes take ports at random. */
    static int beaconBase() {
        for (int i = 0; i < 100; i++) {
            int base = FreePorts.range("127.0.0.1", 2);
            if (free(base + 1000) && free(base + 1001)) return base;
        }
        throw new IllegalStateException("no free beacon ports");
    }

    private static boolean free(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
