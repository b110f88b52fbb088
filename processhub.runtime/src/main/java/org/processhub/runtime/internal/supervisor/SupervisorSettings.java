package org.processhub.runtime.internal.supervisor;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link Supervisor}.
 *
 * @param maxRestarts     restarts of one child allowed within {@code restartPeriod}; one more removes the child
 *                        (0 = never restart: the first crash removes it)
 * @param restartPeriod   the sliding window of the restart intensity, measured with the supervisor's clock
 * @param mailboxCapacity most messages queued in one child's mailbox before senders get
 *                        {@link org.processhub.api.MailboxFullException} (supervisor signals such as stop are not refused)
 * @param throughput      messages a child handles per turn on the executor before it yields to other children
 */
public record SupervisorSettings(int maxRestarts, Duration restartPeriod, int mailboxCapacity, int throughput) {
    public static final SupervisorSettings DEFAULTS = new SupervisorSettings(5, Duration.ofSeconds(10), 100_000, 64);
    /** The largest mailbox capacity (the count shares an int with the mailbox flags). */
    public static final int MAX_MAILBOX_CAPACITY = Mailbox.MAX_CAPACITY;

    public SupervisorSettings {
        Objects.requireNonNull(restartPeriod, "restartPeriod");
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must be >= 0: " + maxRestarts);
        }
        if (restartPeriod.isNegative() || restartPeriod.isZero()) {
            throw new IllegalArgumentException("restartPeriod must be positive: " + restartPeriod);
        }
        // The queued-message count shares an int with the mailbox state bits (see Mailbox).
        if (mailboxCapacity < 1 || mailboxCapacity > Mailbox.MAX_CAPACITY) {
            throw new IllegalArgumentException("mailboxCapacity must be 1.." + Mailbox.MAX_CAPACITY + ": " + mailboxCapacity);
        }
        if (throughput < 1) {
            throw new IllegalArgumentException("throughput must be >= 1: " + throughput);
        }
    }
}
