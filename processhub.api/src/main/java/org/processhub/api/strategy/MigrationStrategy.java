package org.processhub.api.strategy;

import java.time.Duration;
import org.osgi.annotation.versioning.ConsumerType;

/** How a child moves from one node to another when ownership changes. */
@ConsumerType
public interface MigrationStrategy extends Strategy {
    /** The plan used for every move. */
    Plan plan();

    /**
     * @param startBeforeStop start the new instance before stopping the old one (hot swap) instead of after
     * @param handover deliver the old instance's exported state to the new one ({@code Handover})
     * @param retention with a hot swap, the longest time the old instance is kept after the new one started
     */
    record Plan(boolean startBeforeStop, boolean handover, Duration retention) {
        public static final Plan COLD = new Plan(false, false, Duration.ZERO);
    }
}
