package org.processhub.runtime.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.processhub.runtime.internal.log.Log;

class HubEventLoopTest {
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final List<String> priorities = new CopyOnWriteArrayList<>();
    final HubEventLoop loop = new HubEventLoop("test-loop", timer, Log.NONE,
            (p, reset) -> priorities.add(p + reset.map(d -> "/" + d.toMillis()).orElse("")));
    final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        loop.shutdown(Duration.ofSeconds(2));
        timer.shutdownNow();
    }

    void await(CountDownLatch l) throws InterruptedException {
        assertThat(l.await(5, TimeUnit.SECONDS)).as("latch reached in time").isTrue();
    }

    @Test
    void tasksRunInOrderOnTheLoopThread() throws Exception {
        loop.start();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 100; i++) {
            int n = i;
            loop.post(0, () -> ran.add(n + ":" + loop.inLoop()));
        }
        loop.post(0, done::countDown);
        await(done);
        assertThat(ran).hasSize(100).allMatch(s -> s.endsWith(":true"));
        assertThat(ran.get(0)).startsWith("0:");
        assertThat(ran.get(99)).startsWith("99:");
        assertThat(loop.inLoop()).isFalse();
    }

    @Test
    void lowPriorityTasksWaitWhileLockedAndRunInOrderAfterUnlock() throws Exception {
        loop.start();
        CountDownLatch locked = new CountDownLatch(1);
        loop.post(10, () -> {
            loop.setPriority(HubEventLoop.LOCKED, Optional.empty());
            locked.countDown();
        });
        await(locked);
        assertThat(loop.isLocked()).isTrue();
        loop.post(0, () -> ran.add("low1"));
        loop.post(10, () -> ran.add("high"));
        loop.post(0, () -> ran.add("low2"));
        CountDownLatch highDone = new CountDownLatch(1);
        loop.post(10, highDone::countDown);
        await(highDone);
        assertThat(ran).containsExactly("high");
        CountDownLatch all = new CountDownLatch(1);
        loop.post(10, () -> loop.setPriority(HubEventLoop.UNLOCKED, Optional.empty()));
        loop.post(0, all::countDown);
        await(all);
        assertThat(ran).containsExactly("high", "low1", "low2");
        assertThat(loop.isLocked()).isFalse();
        assertThat(priorities).containsExactly("10", "0");
    }

    @Test
    void deadlockTimeoutRestoresThePriority() throws Exception {
        loop.start();
        loop.post(10, () -> loop.setPriority(HubEventLoop.LOCKED, Optional.of(Duration.ofMillis(200))));
        CountDownLatch ranLow = new CountDownLatch(1);
        loop.post(0, ranLow::countDown);
        await(ranLow); // only runs once the reset fired
        assertThat(loop.isLocked()).isFalse();
        assertThat(priorities).containsExactly("10/200", "0");
    }

    @Test
    void aFailingTaskDoesNotStopTheLoop() throws Exception {
        loop.start();
        loop.post(0, () -> {
            throw new IllegalStateException("boom");
        });
        loop.post(0, () -> {
            throw new OutOfMemoryError("a task that allocates too much (thrown here, not provoked)");
        });
        loop.post(0, () -> {
            throw new StackOverflowError();
        });
        CountDownLatch after = new CountDownLatch(1);
        loop.post(0, after::countDown);
        await(after);
    }
}
