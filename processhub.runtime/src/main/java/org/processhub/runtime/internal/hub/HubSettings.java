package org.processhub.runtime.internal.hub;

import java.time.Duration;
import java.util.Map;
import org.processhub.runtime.internal.supervisor.SupervisorSettings;

/**
 * A hub's own options (from {@code org.processhub.hub~<name>}; strategy options live with the strategies).
 *
 * @param deadlockTimeout how long the event queue may stay locked before it unlocks by itself
 * @param announceInterval how often the hub re-announces itself to every cluster node
 * @param migrationTimeout how long a redistribution waits for the nodes it moved children to
 * @param chunkSize most registry rows per delta or snapshot message
 * @param maxBatchSize most children in one start or stop request (from a caller or from another node)
 * @param maxPendingCalls most remote calls this hub may have waiting for replies at once
 */
public record HubSettings(String hubId, SupervisorSettings supervisor, Duration deadlockTimeout,
        Duration announceInterval, Duration migrationTimeout, int chunkSize, int maxBatchSize, int maxPendingCalls) {

    public static final Duration DEFAULT_DEADLOCK_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_ANNOUNCE_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MIGRATION_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_CHUNK_SIZE = 5000;
    public static final int DEFAULT_MAX_BATCH = 100_000;
    public static final int DEFAULT_MAX_PENDING_CALLS = 10_000;

    public HubSettings {
        if (hubId == null || !hubId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException("option hub.id: '" + hubId + "' must be 1..128 characters of A-Z a-z 0-9 . _ -");
        }
        positive(deadlockTimeout, "deadlock.timeout.ms");
        positive(announceInterval, "announce.interval.ms");
        positive(migrationTimeout, "migration.timeout.ms");
        if (chunkSize < 1) {
            throw new IllegalArgumentException("option chunk.size: " + chunkSize + " must be at least 1");
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("option max.batch.size: " + maxBatchSize + " must be at least 1");
        }
        if (maxPendingCalls < 1) {
            throw new IllegalArgumentException("option max.pending.calls: " + maxPendingCalls + " must be at least 1");
        }
    }

    public static HubSettings defaults(String hubId) {
        return new HubSettings(hubId, SupervisorSettings.DEFAULTS, DEFAULT_DEADLOCK_TIMEOUT, DEFAULT_ANNOUNCE_INTERVAL,
                DEFAULT_MIGRATION_TIMEOUT, DEFAULT_CHUNK_SIZE, DEFAULT_MAX_BATCH, DEFAULT_MAX_PENDING_CALLS);
    }

    public HubSettings withAnnounceInterval(Duration d) {
        return new HubSettings(hubId, supervisor, deadlockTimeout, d, migrationTimeout, chunkSize, maxBatchSize, maxPendingCalls);
    }

    public HubSettings withDeadlockTimeout(Duration d) {
        return new HubSettings(hubId, supervisor, d, announceInterval, migrationTimeout, chunkSize, maxBatchSize, maxPendingCalls);
    }

    public HubSettings withSupervisor(SupervisorSettings s) {
        return new HubSettings(hubId, s, deadlockTimeout, announceInterval, migrationTimeout, chunkSize, maxBatchSize, maxPendingCalls);
    }

    /**
     * Reads the hub options from configuration properties.
     *
     * @throws IllegalArgumentException naming the option for a bad value
     */
    public static HubSettings from(Map<String, ?> p) {
        String hubId = p.get("hub.id") == null ? null : String.valueOf(p.get("hub.id")).trim();
        SupervisorSettings d = SupervisorSettings.DEFAULTS;
        int maxRestarts = integer(p, "restart.max", d.maxRestarts(), 0);
        long periodMs = integer(p, "restart.period.ms", (int) d.restartPeriod().toMillis(), 1);
        int mailbox = integer(p, "mailbox.capacity", d.mailboxCapacity(), 1);
        if (mailbox > SupervisorSettings.MAX_MAILBOX_CAPACITY) {
            throw new IllegalArgumentException("option mailbox.capacity: " + mailbox + " must be at most " + SupervisorSettings.MAX_MAILBOX_CAPACITY);
        }
        return new HubSettings(hubId, new SupervisorSettings(maxRestarts, Duration.ofMillis(periodMs), mailbox, d.throughput()),
                Duration.ofMillis(integer(p, "deadlock.timeout.ms", (int) DEFAULT_DEADLOCK_TIMEOUT.toMillis(), 1)),
                Duration.ofMillis(integer(p, "announce.interval.ms", (int) DEFAULT_ANNOUNCE_INTERVAL.toMillis(), 1)),
                Duration.ofMillis(integer(p, "migration.timeout.ms", (int) DEFAULT_MIGRATION_TIMEOUT.toMillis(), 1)),
                integer(p, "chunk.size", DEFAULT_CHUNK_SIZE, 1),
                integer(p, "max.batch.size", DEFAULT_MAX_BATCH, 1),
                integer(p, "max.pending.calls", DEFAULT_MAX_PENDING_CALLS, 1));
    }

    /** The options as {@code key=value,...}, for status displays. */
    public String describe() {
        return "restart.max=" + supervisor.maxRestarts() + ",restart.period.ms=" + supervisor.restartPeriod().toMillis()
                + ",mailbox.capacity=" + supervisor.mailboxCapacity() + ",deadlock.timeout.ms=" + deadlockTimeout.toMillis()
                + ",announce.interval.ms=" + announceInterval.toMillis() + ",migration.timeout.ms=" + migrationTimeout.toMillis()
                + ",max.batch.size=" + maxBatchSize + ",max.pending.calls=" + maxPendingCalls;
    }

    static int integer(Map<String, ?> p, String key, int dflt, int min) {
        Object v = p.get(key);
        if (v == null || String.valueOf(v).isBlank()) return dflt;
        int n;
        try {
            n = v instanceof Number num ? Math.toIntExact(num.longValue()) : Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("option " + key + ": '" + v + "' is not a whole number");
        }
        if (n < min) {
            throw new IllegalArgumentException("option " + key + ": " + n + " must be at least " + min);
        }
        return n;
    }

    private static void positive(Duration d, String key) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("option " + key + ": " + d + " must be positive");
        }
    }
}
