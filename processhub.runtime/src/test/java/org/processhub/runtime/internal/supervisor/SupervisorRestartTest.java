package org.processhub.runtime.internal.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.processhub.api.ChildNotFoundException;
import org.processhub.api.ErrorCode;
import org.processhub.api.ProcessHubException;
import org.processhub.api.RestartPolicy;
import org.processhub.api.StopReason;

/** Crashes, restart policies and restart intensity. */
class SupervisorRestartTest extends SupervisorFixture {
    private static final SupervisorSettings THREE_IN_10S = new SupervisorSettings(3, Duration.ofSeconds(10), 1_000, 64);

    @Test
    void crashInHandleCallFailsTheCallTerminatesAndRestartsAFreshInstance() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test"));
        assertThat(call(cell, "count")).isEqualTo(1);
        assertThat(call(cell, "count")).isEqualTo(2);
        long before = cell.incarnation();

        Throwable e = failure(callAsync(cell, "crash"));

        assertThat(e).isInstanceOf(ProcessHubException.class)
                .hasMessage("c1 crashed: java.lang.IllegalStateException: boom");
        assertThat(((ProcessHubException) e).code()).isEqualTo(ErrorCode.PROCESS_CRASHED);
        assertThat(nextNotice()).isEqualTo("restarted:c1#" + cell.incarnation());
        assertThat(cell.incarnation()).isGreaterThan(before);
        assertThat(call(cell, "count")).as("state of the new instance").isEqualTo(1);
        assertThat(call(cell, "incarnation")).isEqualTo(cell.incarnation());
        assertThat(events).containsSubsequence("call:c1:crash", "terminate:c1:CRASH", "init:c1#" + cell.incarnation());
        assertThat(sup.get("c1")).containsSame(cell);
        assertThat(log.warnings).isEmpty();
    }

    @Test
    void messagesQueuedBehindTheCrashAreHandledByTheNewInstance() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test"));
        CompletableFuture<Object> blocked = callAsync(cell, "block");
        awaitEntered();
        CompletableFuture<Object> crash = callAsync(cell, "crash");
        cell.cast("after");
        CompletableFuture<Object> count = callAsync(cell, "count");
        CompletableFuture<Object> inc = callAsync(cell, "incarnation");

        gate.countDown();

        assertThat(await(blocked)).isEqualTo("unblocked");
        assertThat(failure(crash)).isInstanceOf(ProcessHubException.class);
        assertThat(await(count)).as("cast 'after' and this call hit the new instance").isEqualTo(2);
        assertThat(await(inc)).isEqualTo(cell.incarnation()).isEqualTo(102L);
        assertThat(events).containsExactly("init:c1#101", "call:c1:block", "call:c1:crash", "terminate:c1:CRASH",
                "init:c1#102", "cast:c1:after", "call:c1:count", "call:c1:incarnation");
    }

    @Test
    void crashInHandleCastAlsoRestarts() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test"));

        cell.cast("crash");

        assertThat(nextNotice()).isEqualTo("restarted:c1#102");
        assertThat(call(cell, "count")).isEqualTo(1);
    }

    @Test
    void terminateThatThrowsIsLoggedAndIgnored() throws Exception {
        factories.put("badTerminate", spec -> new TestProcess() {
            @Override
            public void terminate(StopReason reason) {
                throw new IllegalStateException("terminate failed");
            }
        });
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "badTerminate"));

        failure(callAsync(cell, "crash"));

        assertThat(nextNotice()).isEqualTo("restarted:c1#102");
        assertThat(log.warnings).singleElement().asString().contains("terminate(CRASH) threw");
    }

    @Test
    void permanentChildIsRestartedAfterCrashAndAfterStoppingItself() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test"));

        failure(callAsync(cell, "crash"));
        assertThat(nextNotice()).isEqualTo("restarted:c1#102");
        assertThat(call(cell, "stop")).isEqualTo("stopping");
        assertThat(nextNotice()).isEqualTo("restarted:c1#103");

        assertThat(events).containsSubsequence("call:c1:stop", "terminate:c1:NORMAL", "init:c1#103");
        assertThat(cell.alive()).isTrue();
        assertThat(call(cell, "count")).isEqualTo(1);
    }

    @Test
    void transientChildIsRestartedAfterCrashButRemovedAfterStoppingItself() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test").withRestart(RestartPolicy.TRANSIENT));

        failure(callAsync(cell, "crash"));
        assertThat(nextNotice()).isEqualTo("restarted:c1#102");
        assertThat(call(cell, "stop")).isEqualTo("stopping");

        assertThat(nextNotice()).isEqualTo("removed:c1:NORMAL:stopped normally");
        assertThat(events).endsWith("call:c1:stop", "terminate:c1:NORMAL");
        assertThat(cell.alive()).isFalse();
        assertThat(sup.get("c1")).isEmpty();
        assertThat(failure(callAsync(cell, "x"))).isInstanceOf(ChildNotFoundException.class);
    }

    @Test
    void temporaryChildIsRemovedAfterACrashAndQueuedCallsFail() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test").withRestart(RestartPolicy.TEMPORARY));
        CompletableFuture<Object> blocked = callAsync(cell, "block");
        awaitEntered();
        CompletableFuture<Object> crash = callAsync(cell, "crash");
        cell.cast("dropped");
        CompletableFuture<Object> queued = callAsync(cell, "queued");

        gate.countDown();

        assertThat(await(blocked)).isEqualTo("unblocked");
        assertThat(((ProcessHubException) failure(crash)).code()).isEqualTo(ErrorCode.PROCESS_CRASHED);
        assertThat(failure(queued)).isInstanceOf(ChildNotFoundException.class).hasMessage("c1 stopped");
        assertThat(nextNotice()).isEqualTo("removed:c1:CRASH:crashed: java.lang.IllegalStateException: boom");
        assertThat(events).endsWith("call:c1:crash", "terminate:c1:CRASH");
        assertThat(sup.size()).isZero();
    }

    @Test
    void temporaryChildIsRemovedAfterStoppingItself() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test").withRestart(RestartPolicy.TEMPORARY));

        call(cell, "stop");

        assertThat(nextNotice()).isEqualTo("removed:c1:NORMAL:stopped normally");
        assertThat(sup.size()).isZero();
    }

    @Test
    void stopRequestedFromAnotherThreadIsHonoured() throws Exception {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test").withRestart(RestartPolicy.TRANSIENT));
        TestProcess[] holder = new TestProcess[1];
        factories.put("grab", spec -> holder[0] = new TestProcess());
        ProcessCell other = startOk(sup, spec("c2", "grab").withRestart(RestartPolicy.TRANSIENT));

        holder[0].ctx.stop(); // off the mailbox thread, while idle

        assertThat(nextNotice()).isEqualTo("removed:c2:NORMAL:stopped normally");
        assertThat(other.alive()).isFalse();
        assertThat(cell.alive()).isTrue();
    }

    @Test
    void theFourthCrashWithinTheWindowRemovesTheChild() throws Exception {
        Supervisor sup = supervisor(THREE_IN_10S);
        ProcessCell cell = startOk(sup, spec("c1", "test"));

        for (int i = 1; i <= 3; i++) {
            failure(callAsync(cell, "crash"));
            assertThat(nextNotice()).startsWith("restarted:c1#");
            clock.advance(Duration.ofSeconds(2));
        }
        failure(callAsync(cell, "crash"));

        assertThat(nextNotice()).isEqualTo("removed:c1:CRASH:restart intensity exceeded: 4 restarts in 10s");
        assertThat(sup.size()).isZero();
        assertThat(cell.alive()).isFalse();
        assertThat(log.warnings).singleElement().asString()
                .startsWith("WARN hub hub1: child c1").contains("restart intensity exceeded");
        assertThat(failure(callAsync(cell, "x"))).isInstanceOf(ChildNotFoundException.class);
    }

    @Test
    void crashesSpreadBeyondTheWindowKeepRestarting() throws Exception {
        Supervisor sup = supervisor(THREE_IN_10S);
        ProcessCell cell = startOk(sup, spec("c1", "test"));

        for (int i = 1; i <= 10; i++) {
            failure(callAsync(cell, "crash"));
            assertThat(nextNotice()).isEqualTo("restarted:c1#" + (101 + i));
            clock.advance(Duration.ofMillis(3_400)); // 3 restarts span 6.8 s; the 4th is 10.2 s after the 1st
        }

        assertThat(cell.alive()).isTrue();
        assertThat(log.warnings).isEmpty();
    }

    @Test
    void aRestartWhoseInitThrowsCountsAsACrashAndDoesNotLoopForever() throws Exception {
        Supervisor sup = supervisor(THREE_IN_10S);
        ProcessCell cell = startOk(sup, spec("c1", "flaky"));
        initFailures.set(Integer.MAX_VALUE); // every restart's init throws from now on

        failure(callAsync(cell, "crash"));

        assertThat(nextNotice()).isEqualTo("removed:c1:CRASH:restart intensity exceeded: 4 restarts in 10s");
        // the first start plus three failed restarts; no terminate for instances whose init failed
        assertThat(events.stream().filter(e -> e.startsWith("init:"))).hasSize(4);
        assertThat(events.stream().filter(e -> e.startsWith("terminate:"))).containsExactly("terminate:c1:CRASH");
        assertThat(notices.poll(50, TimeUnit.MILLISECONDS)).as("no restarted notice").isNull();
        assertThat(sup.size()).isZero();
    }

    @Test
    void aRestartThatFailsOnceIsRetriedAndMessagesWait() throws Exception {
        Supervisor sup = supervisor(THREE_IN_10S);
        ProcessCell cell = startOk(sup, spec("c1", "flaky"));
        initFailures.set(1);

        CompletableFuture<Object> crash = callAsync(cell, "crash");
        CompletableFuture<Object> after = callAsync(cell, "incarnation");

        failure(crash);
        assertThat(nextNotice()).isEqualTo("restarted:c1#103"); // #102's init threw
        assertThat(await(after)).isEqualTo(103L);
    }

    @Test
    void zeroMaxRestartsRemovesOnTheFirstCrash() throws Exception {
        Supervisor sup = supervisor(new SupervisorSettings(0, Duration.ofSeconds(10), 100, 8));
        ProcessCell cell = startOk(sup, spec("c1", "test"));

        failure(callAsync(cell, "crash"));

        assertThat(nextNotice()).isEqualTo("removed:c1:CRASH:restart intensity exceeded: 1 restarts in 10s");
        assertThat(cell.alive()).isFalse();
    }
}
