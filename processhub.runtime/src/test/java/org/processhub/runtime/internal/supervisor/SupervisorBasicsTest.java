package org.processhub.runtime.internal.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.processhub.api.AlreadyStartedException;
import org.processhub.api.ChildNotFoundException;
import org.processhub.api.ErrorCode;
import org.processhub.api.HubProcess;
import org.processhub.api.Mode;
import org.processhub.api.ProcessContext;
import org.processhub.api.ProcessHubException;
import org.processhub.api.ProcessRef;
import org.processhub.api.UnknownFactoryException;

/** Starting children, messaging order and exclusivity, handover and mode notices. */
class SupervisorBasicsTest extends SupervisorFixture {

    @Test
    void startRunsInitOnTheMailboxWithTheRightContext() {
        AtomicReference<ProcessContext> seen = new AtomicReference<>();
        AtomicReference<String> thread = new AtomicReference<>();
        factories.put("ctx", spec -> new HubProcess() {
            @Override
            public void init(ProcessContext context) {
                seen.set(context);
                thread.set(Thread.currentThread().getName());
            }
        });
        Supervisor sup = supervisor();

        ProcessCell cell = await(sup.start(spec("c1", "ctx"), Map.of("k", "v"), Mode.PASSIVE, false, null));

        ProcessContext ctx = seen.get();
        assertThat(thread.get()).startsWith("sup-test-");
        assertThat(ctx.self()).isEqualTo(new ProcessRef(HUB, NODE, "c1", cell.incarnation()));
        assertThat(cell.ref()).isEqualTo(ctx.self());
        assertThat(ctx.spec()).isEqualTo(spec("c1", "ctx"));
        assertThat(ctx.metadata()).isEqualTo(Map.of("k", "v"));
        assertThat(ctx.hub()).isSameAs(hub);
        assertThat(ctx.mode()).isEqualTo(Mode.PASSIVE);
        cell.setMode(Mode.ACTIVE, false);
        assertThat(ctx.mode()).as("mode is live").isEqualTo(Mode.ACTIVE);
        assertThat(cell.alive()).isTrue();
        assertThat(sup.get("c1")).containsSame(cell);
        assertThat(sup.cells()).containsExactly(cell);
        assertThat(sup.size()).isEqualTo(1);
    }

    @Test
    void callRepliesAndCastsThenCallAreHandledInOrder() {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test"));

        cell.cast("a");
        cell.cast("b");
        assertThat(call(cell, "x")).isEqualTo("re:x");

        assertThat(events).containsExactly("init:c1#101", "cast:c1:a", "cast:c1:b", "call:c1:x");
        assertThat(call(cell, "count")).isEqualTo(3);
        assertThat(log.warnings).isEmpty();
    }

    @Test
    void messagesSentBeforeInitFinishedWaitBehindIt() throws Exception {
        CountDownLatch initGate = new CountDownLatch(1);
        factories.put("slow", spec -> new TestProcess() {
            @Override
            public void init(ProcessContext context) throws Exception {
                initGate.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                super.init(context);
            }
        });
        Supervisor sup = supervisor();
        CompletableFuture<ProcessCell> started = sup.start(spec("c1", "slow"), Map.of(), Mode.ACTIVE, false, null)
                .toCompletableFuture();
        ProcessCell cell = sup.get("c1").orElseThrow();
        cell.cast("early");
        CompletableFuture<Object> reply = callAsync(cell, "count");
        initGate.countDown();

        assertThat(await(started)).isSameAs(cell);
        assertThat(await(reply)).isEqualTo(2);
        assertThat(events).containsExactly("init:c1#101", "cast:c1:early", "call:c1:count");
    }

    @Test
    void tenThousandMessagesFromFourThreadsAreHandledOneAtATimeAndNoneIsLost() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicBoolean overlap = new AtomicBoolean();
        factories.put("exclusive", spec -> new HubProcess() {
            int handled;

            private void enter() {
                if (inside.incrementAndGet() != 1) {
                    overlap.set(true);
                }
                Thread.onSpinWait();
                handled++; // unsynchronized on purpose: only correct if never concurrent
                inside.decrementAndGet();
            }

            @Override
            public Object handleCall(Object message) {
                if ("total".equals(message)) {
                    return handled;
                }
                enter();
                return message;
            }

            @Override
            public void handleCast(Object message) {
                enter();
            }
        });
        Supervisor sup = supervisor(new SupervisorSettings(5, java.time.Duration.ofSeconds(10), 100_000, 16));
        ProcessCell cell = startOk(sup, spec("c1", "exclusive"));

        int threads = 4;
        int perThread = 2_500;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> senders = new ArrayList<>();
        List<CompletableFuture<Object>> replies = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread sender = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    if (i % 2 == 0) {
                        cell.cast(id * perThread + i);
                    } else {
                        replies.add(callAsync(cell, id * perThread + i));
                    }
                }
            });
            senders.add(sender);
            sender.start();
        }
        go.countDown();
        for (Thread s : senders) {
            s.join(WAIT.toMillis());
            assertThat(s.isAlive()).isFalse();
        }

        for (CompletableFuture<Object> r : replies) {
            await(r);
        }
        assertThat(call(cell, "total")).isEqualTo(threads * perThread);
        assertThat(overlap).as("handlers overlapped").isFalse();
        assertThat(cell.mailboxSize()).isZero();
    }

    @Test
    void aCallSentRightAfterTheReplyIsNeverStranded() {
        // The caller spins on the reply and sends the next call at once, i.e. while the mailbox's turn is
        // finishing: the window where a turn that found the queue empty gives up the mailbox while a producer
        // links a message. With a single caller, a stranded message would never be handled.
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test"));
        for (int i = 1; i <= 20_000; i++) {
            CompletableFuture<Object> reply = new CompletableFuture<>();
            cell.call("count", reply);
            // per call: a stranded message never completes, a slow machine only delays it
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!reply.isDone()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("call " + i + " stranded in the mailbox");
                }
                Thread.yield(); // spin politely: on 2 busy cores the mailbox thread needs the CPU
            }
            assertThat(reply.join()).isEqualTo(i);
        }
    }

    @Test
    void perSenderOrderIsKeptAcrossTurns() {
        List<Integer> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        factories.put("order", spec -> new HubProcess() {
            @Override
            public void handleCast(Object message) {
                seen.add((Integer) message);
            }

            @Override
            public Object handleCall(Object message) {
                return seen.size();
            }
        });
        // throughput 3: the mailbox yields many times while draining
        Supervisor sup = supervisor(new SupervisorSettings(5, java.time.Duration.ofSeconds(10), 100_000, 3));
        ProcessCell cell = startOk(sup, spec("c1", "order"));
        for (int i = 0; i < 1_000; i++) {
            cell.cast(i);
        }
        assertThat(call(cell, "size")).isEqualTo(1_000);
        for (int i = 0; i < 1_000; i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
    }

    @Test
    void aBusyChildYieldsToOthersAfterThroughputMessages() throws Exception {
        // One executor thread makes the interleaving observable; throughput 2.
        executor.shutdownNow();
        executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        factories.put("tag", spec -> new HubProcess() {
            @Override
            public void handleCast(Object message) {
                seen.add(spec.id() + message);
            }
        });
        Supervisor sup = supervisor(new SupervisorSettings(5, java.time.Duration.ofSeconds(10), 100, 2));
        ProcessCell a = startOk(sup, spec("a", "tag"));
        ProcessCell b = startOk(sup, spec("b", "tag"));
        // Occupy the only thread; once this runs, the start turns have fully finished (FIFO executor).
        CountDownLatch occupied = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> {
            occupied.countDown();
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(occupied.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        for (int i = 1; i <= 4; i++) {
            a.cast(i); // a's turn is queued first
        }
        for (int i = 1; i <= 4; i++) {
            b.cast(i);
        }
        release.countDown();

        eventually("all handled", () -> seen.size() == 8);
        assertThat(seen).containsExactly("a1", "a2", "b1", "b2", "a3", "a4", "b3", "b4");
    }

    @Test
    void unknownFactoryFailsTheStart() {
        Supervisor sup = supervisor();

        Throwable e = failure(sup.start(spec("c1", "nope"), Map.of(), Mode.ACTIVE, false, null));

        assertThat(e).isInstanceOf(UnknownFactoryException.class).hasMessageContaining("nope");
        assertThat(sup.size()).isZero();
    }

    @Test
    void initThatThrowsFailsTheStartAndLeavesNoCell() {
        Supervisor sup = supervisor();

        Throwable e = failure(sup.start(spec("c1", "failing"), Map.of(), Mode.ACTIVE, false, null));

        assertThat(e).isInstanceOf(ProcessHubException.class).hasMessageContaining("init refused");
        assertThat(((ProcessHubException) e).code()).isEqualTo(ErrorCode.INIT_FAILED);
        assertThat(sup.get("c1")).isEmpty();
        assertThat(sup.size()).isZero();
        assertThat(notices).as("no listener call for a failed start").isEmpty();
        // the id is free again
        assertThat(startOk(sup, spec("c1", "test")).alive()).isTrue();
    }

    @Test
    void factoryThatThrowsOrReturnsNullFailsWithInitFailed() {
        factories.put("throws", spec -> {
            throw new IllegalArgumentException("no way");
        });
        factories.put("null", spec -> null);
        Supervisor sup = supervisor();

        Throwable thrown = failure(sup.start(spec("c1", "throws"), Map.of(), Mode.ACTIVE, false, null));
        Throwable nul = failure(sup.start(spec("c2", "null"), Map.of(), Mode.ACTIVE, false, null));

        assertThat(((ProcessHubException) thrown).code()).isEqualTo(ErrorCode.INIT_FAILED);
        assertThat(((ProcessHubException) nul).code()).isEqualTo(ErrorCode.INIT_FAILED);
        assertThat(nul).hasMessageContaining("returned null");
        assertThat(sup.size()).isZero();
    }

    @Test
    void callsQueuedBehindAFailedInitFailWithChildNotFound() throws Exception {
        CountDownLatch initGate = new CountDownLatch(1);
        factories.put("slowFail", spec -> new HubProcess() {
            @Override
            public void init(ProcessContext context) throws Exception {
                initGate.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                throw new IllegalStateException("late refusal");
            }
        });
        Supervisor sup = supervisor();
        CompletableFuture<ProcessCell> started = sup.start(spec("c1", "slowFail"), Map.of(), Mode.ACTIVE, false, null)
                .toCompletableFuture();
        ProcessCell cell = sup.get("c1").orElseThrow();
        CompletableFuture<Object> reply = callAsync(cell, "x");
        initGate.countDown();

        assertThat(((ProcessHubException) failure(started)).code()).isEqualTo(ErrorCode.INIT_FAILED);
        assertThat(failure(reply)).isInstanceOf(ChildNotFoundException.class).hasMessage("c1 stopped");
        assertThat(cell.alive()).isFalse();
    }

    @Test
    void duplicateStartFailsWithAlreadyStarted() {
        Supervisor sup = supervisor();
        ProcessCell first = startOk(sup, spec("c1", "test"));

        Throwable e = failure(sup.start(spec("c1", "test"), Map.of(), Mode.ACTIVE, false, null));

        assertThat(e).isInstanceOf(AlreadyStartedException.class);
        assertThat(((ProcessHubException) e).code()).isEqualTo(ErrorCode.ALREADY_STARTED);
        assertThat(sup.get("c1")).containsSame(first);
        assertThat(events).containsExactly("init:c1#101");
    }

    @Test
    void exportStateReturnsTheStateOfAHandoverProcessAfterQueuedMessages() {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "handover"));
        cell.cast("a");
        cell.cast("b");

        Optional<Object> state = await(sup.exportState("c1"));

        assertThat(state).contains("state-2");
        assertThat(events).containsExactly("init:c1#101", "cast:c1:a", "cast:c1:b", "export:c1");
    }

    @Test
    void exportStateOfAPlainProcessIsEmptyAndOfAnUnknownChildFails() {
        Supervisor sup = supervisor();
        startOk(sup, spec("c1", "test"));

        assertThat(await(sup.exportState("c1"))).isEmpty();
        assertThat(failure(sup.exportState("zz"))).isInstanceOf(ChildNotFoundException.class);
    }

    @Test
    void startWithHandoverImportsTheStateAfterInitAndBeforeTheFirstMessage() {
        Supervisor sup = supervisor();
        CompletableFuture<ProcessCell> started = sup.start(spec("c1", "handover"), Map.of(), Mode.ACTIVE, true, "state-41")
                .toCompletableFuture();
        ProcessCell cell = sup.get("c1").orElseThrow();
        cell.cast("x");

        await(started);
        assertThat(call(cell, "count")).isEqualTo(43);
        assertThat(events).containsExactly("init:c1#101", "import:c1:state-41", "cast:c1:x", "call:c1:count");
    }

    @Test
    void handoverStateForAPlainProcessIsIgnored() {
        Supervisor sup = supervisor();

        ProcessCell cell = await(sup.start(spec("c1", "test"), Map.of(), Mode.ACTIVE, true, "state-9"));

        assertThat(call(cell, "count")).isEqualTo(1);
        assertThat(events).containsExactly("init:c1#101", "call:c1:count");
    }

    @Test
    void importStateThatThrowsFailsTheStartAfterTerminate() {
        factories.put("badImport", spec -> new HandoverProcess() {
            @Override
            public void importState(Object state) {
                throw new IllegalArgumentException("bad state");
            }
        });
        Supervisor sup = supervisor();

        Throwable e = failure(sup.start(spec("c1", "badImport"), Map.of(), Mode.ACTIVE, true, "state-1"));

        assertThat(((ProcessHubException) e).code()).isEqualTo(ErrorCode.INIT_FAILED);
        assertThat(e).hasMessageContaining("bad state");
        assertThat(events).containsExactly("init:c1#101", "terminate:c1:CRASH");
        assertThat(sup.size()).isZero();
    }

    @Test
    void setModeWithNotifyDeliversModeChangedInOrderWithMessages() {
        Supervisor sup = supervisor();
        ProcessCell cell = startOk(sup, spec("c1", "test"));

        cell.cast("a");
        cell.setMode(Mode.PASSIVE, true);
        cell.cast("b");
        assertThat(call(cell, "mode")).isEqualTo("PASSIVE");
        cell.setMode(Mode.ACTIVE, false);
        assertThat(call(cell, "mode")).isEqualTo("ACTIVE");

        assertThat(cell.mode()).isEqualTo(Mode.ACTIVE);
        assertThat(events).containsExactly("init:c1#101", "cast:c1:a", "mode:c1:PASSIVE", "cast:c1:b",
                "call:c1:mode", "call:c1:mode");
    }
}
