package org.processhub.runtime.internal.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.processhub.api.ChildNotFoundException;
import org.processhub.api.MailboxFullException;
import org.processhub.api.Mode;
import org.processhub.api.StopReason;

/** stop, stopAll and the mailbox bound. */
class SupervisorStopTest extends SupervisorFixture {

    @Test
    void stopTerminatesAfterQueuedMessagesAndFailsLaterCalls() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test"));
        CompletableFuture<Object> blocked = callAsync(cell, "block");
        awaitEntered();
        cell.cast("a");
        CompletableFuture<Object> before = callAsync(cell, "b");

        CompletionStage<Boolean> stopped = sup.stop("c1", StopReason.SHUTDOWN);
        CompletableFuture<Object> after = callAsync(cell, "c");
        cell.cast("dropped");
        gate.countDown();

        assertThat(await(stopped)).isTrue();
        assertThat(await(blocked)).isEqualTo("unblocked");
        assertThat(await(before)).isEqualTo("re:b");
        assertThat(failure(after)).isInstanceOf(ChildNotFoundException.class).hasMessage("c1 stopped");
        assertThat(events).containsExactly("init:c1#101", "call:c1:block", "cast:c1:a", "call:c1:b",
                "terminate:c1:SHUTDOWN");
        assertThat(cell.alive()).isFalse();
        assertThat(sup.get("c1")).isEmpty();
        assertThat(notices.poll(50, TimeUnit.MILLISECONDS)).as("no listener call for stop()").isNull();
        // dead: new messages fail at once, a second stop finds nothing
        assertThat(failure(callAsync(cell, "d"))).isInstanceOf(ChildNotFoundException.class);
        assertThat(await(sup.stop("c1", StopReason.SHUTDOWN))).isFalse();
    }

    @Test
    void stopOfAnUnknownChildCompletesWithFalse() {
        assertThat(await(supervisor().stop("nope", StopReason.SHUTDOWN))).isFalse();
    }

    @Test
    void aSecondStopQueuedBehindTheFirstCompletesWithFalse() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test"));
        callAsync(cell, "block");
        awaitEntered();

        CompletionStage<Boolean> first = sup.stop("c1", StopReason.SHUTDOWN);
        CompletionStage<Boolean> second = sup.stop("c1", StopReason.PARTITION);
        gate.countDown();

        assertThat(await(first)).isTrue();
        assertThat(await(second)).isFalse();
        assertThat(events).containsOnlyOnce("terminate:c1:SHUTDOWN").doesNotContain("terminate:c1:PARTITION");
    }

    @Test
    void theIdIsFreeOnceStopCompleted() {
        Supervisor sup = supervisor();
        startOk(sup, spec("c1", "test"));

        assertThat(await(sup.stop("c1", StopReason.SHUTDOWN))).isTrue();
        ProcessCell again = startOk(sup, spec("c1", "test"));

        assertThat(again.incarnation()).isEqualTo(102);
    }

    @Test
    void stopAllStopsEveryChild() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell a = startOk(sup, spec("a", "test"));
        ProcessCell b = startOk(sup, spec("b", "handover"));
        ProcessCell c = startOk(sup, spec("c", "test"));

        await(sup.stopAll(StopReason.PARTITION));

        assertThat(sup.size()).isZero();
        assertThat(sup.cells()).isEmpty();
        assertThat(a.alive() || b.alive() || c.alive()).isFalse();
        assertThat(events).contains("terminate:a:PARTITION", "terminate:b:PARTITION", "terminate:c:PARTITION");
        assertThat(notices.poll(50, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void exportQueuedBeforeAStopAnswersAndAfterItFails() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "handover"));
        callAsync(cell, "block");
        awaitEntered();

        CompletionStage<?> before = sup.exportState("c1");
        CompletionStage<Boolean> stopped = sup.stop("c1", StopReason.SHUTDOWN);
        CompletionStage<?> after = sup.exportState("c1");
        gate.countDown();

        assertThat(await(before)).isEqualTo(java.util.Optional.of("state-0"));
        assertThat(await(stopped)).isTrue();
        assertThat(failure(after)).isInstanceOf(ChildNotFoundException.class);
    }

    @Test
    void aFullMailboxRefusesCastsAndCalls() throws Exception {
        Supervisor sup = supervisor(new SupervisorSettings(5, Duration.ofSeconds(10), 4, 64));
        ProcessCell cell = startOk(sup, spec("c1", "test"));
        CompletableFuture<Object> blocked = callAsync(cell, "block");
        awaitEntered(); // "block" has left the mailbox: it is empty and nothing drains it

        for (int i = 0; i < 4; i++) {
            cell.cast(i);
        }
        assertThat(cell.mailboxSize()).isEqualTo(4);
        assertThatThrownBy(() -> cell.cast("one too many")).isInstanceOf(MailboxFullException.class)
                .hasMessageContaining("c1");
        assertThat(failure(callAsync(cell, "too"))).isInstanceOf(MailboxFullException.class);
        assertThat(cell.mailboxSize()).isEqualTo(4);
        // supervisor signals are never refused
        cell.setMode(Mode.PASSIVE, true);
        CompletionStage<Boolean> stopped = sup.stop("c1", StopReason.SHUTDOWN);
        assertThat(cell.mailboxSize()).isEqualTo(6);

        gate.countDown();
        await(blocked);
        assertThat(await(stopped)).isTrue();
        assertThat(events).containsExactly("init:c1#101", "call:c1:block", "cast:c1:0", "cast:c1:1", "cast:c1:2",
                "cast:c1:3", "mode:c1:PASSIVE", "terminate:c1:SHUTDOWN");
        assertThat(cell.mailboxSize()).isZero();
    }

    @Test
    void startOnAShutDownExecutorFailsWithHubNotAlive() {
        Supervisor sup = supervisor();
        executor.shutdown();

        Throwable e = failure(sup.start(spec("c1", "test"), Map.of(), Mode.ACTIVE, false, null));

        assertThat(e).isInstanceOf(org.processhub.api.HubNotAliveException.class);
        assertThat(sup.size()).isZero();
        assertThat(log.warnings).singleElement().asString().contains("executor refused");
    }

    @Test
    void startWithMetadataCopiesIt() {
        Supervisor sup = supervisor();
        Map<String, String> meta = new java.util.HashMap<>(Map.of("k", "v"));

        ProcessCell cell = await(sup.start(spec("c1", "test"), meta, null, false, null));
        meta.put("k", "changed");

        assertThat(cell.metadata()).isEqualTo(Map.of("k", "v"));
        assertThat(cell.mode()).isEqualTo(Mode.ACTIVE);
    }
}
