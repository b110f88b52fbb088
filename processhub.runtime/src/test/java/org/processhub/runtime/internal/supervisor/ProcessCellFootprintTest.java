package org.processhub.runtime.internal.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.processhub.api.ChildSpec;
import org.processhub.api.HubProcess;
import org.processhub.api.Mode;
import org.processhub.api.ProcessContext;
import org.processhub.api.StopReason;

/**
 * Sanity check of the memory an idle child costs: cell, mailbox stub, context, a trivial process keeping its
 * context, and the supervisor's map entry. The specs exist before the baseline (the registry holds them anyway).
 */
class ProcessCellFootprintTest extends SupervisorFixture {
    private static final int CELLS = 100_000;

    /** Keeps its context, as real processes do. */
    static final class Idle implements HubProcess {
        ProcessContext ctx;

        @Override
        public void init(ProcessContext context) {
            ctx = context;
        }
    }

    @Test
    void anIdleChildCostsWellUnderAThousandBytes() throws Exception {
        factories.put("idle", spec -> new Idle());
        List<ChildSpec> specs = new ArrayList<>(CELLS);
        for (int i = 0; i < CELLS; i++) {
            specs.add(ChildSpec.of("child-" + i, "idle"));
        }
        Supervisor sup = supervisor();
        long before = usedHeap();

        List<CompletableFuture<ProcessCell>> started = new ArrayList<>(CELLS);
        for (ChildSpec spec : specs) {
            started.add(sup.start(spec, Map.of(), Mode.ACTIVE, false, null).toCompletableFuture());
        }
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);
        started = null; // the futures are transient; only the cells stay
        eventually("all idle", () -> sup.cells().stream().allMatch(c -> c.mailboxSize() == 0));
        long after = usedHeap();

        double perCell = (after - before) / (double) CELLS;
        System.out.printf("idle child footprint: %.1f bytes per cell (%d cells, %d bytes)%n", perCell, CELLS,
                after - before);
        assertThat(sup.size()).isEqualTo(CELLS);
        assertThat(perCell).isLessThan(1_000);
        await(sup.stopAll(StopReason.SHUTDOWN));
        assertThat(specs).hasSize(CELLS); // keeps the specs reachable until after the measurement
    }

    private static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20); // let the collector settle; this is a measurement, not synchronisation
            min = Math.min(min, rt.totalMemory() - rt.freeMemory());
        }
        return min;
    }
}
