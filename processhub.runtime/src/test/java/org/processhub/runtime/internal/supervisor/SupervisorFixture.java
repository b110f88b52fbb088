package org.processhub.runtime.internal.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.processhub.api.ChildSpec;
import org.processhub.api.Handover;
import org.processhub.api.HubProcess;
import org.processhub.api.Mode;
import org.processhub.api.NodeId;
import org.processhub.api.ProcessContext;
import org.processhub.api.ProcessFactory;
import org.processhub.api.ProcessHub;
import org.processhub.api.StopReason;
import org.processhub.runtime.internal.log.Log;

/** Shared set-up: a real two-thread pool, a recording listener and log, and scriptable test processes. */
abstract class SupervisorFixture {
    static final String HUB = "hub1";
    static final NodeId NODE = NodeId.of("node-a");
    static final Duration WAIT = Duration.ofSeconds(10);

    final ProcessHub hub = (ProcessHub) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ProcessHub.class}, (proxy, method, args) -> {
                throw new UnsupportedOperationException(method.getName());
            });
    final AtomicLong incarnations = new AtomicLong(100);
    final TestClock clock = new TestClock();
    final CapturingLog log = new CapturingLog();
    final Map<String, ProcessFactory> factories = new ConcurrentHashMap<>();
    /** What the test processes did, in order, e.g. "init:c1#101", "call:c1:x", "terminate:c1:CRASH". */
    final List<String> events = new CopyOnWriteArrayList<>();
    /** Listener calls: "restarted:c1#102", "removed:c1:CRASH:detail". */
    final BlockingQueue<String> notices = new LinkedBlockingQueue<>();
    /** A "block" call signals {@code entered} and waits for {@code gate}. */
    volatile CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    final AtomicInteger initFailures = new AtomicInteger(); // > 0: the next inits of "flaky" throw
    ExecutorService executor;

    final Supervisor.Listener listener = new Supervisor.Listener() {
        @Override
        public void restarted(ProcessCell cell) {
            notices.add("restarted:" + cell.childId() + "#" + cell.incarnation());
        }

        @Override
        public void removed(ProcessCell cell, StopReason reason, String detail) {
            notices.add("removed:" + cell.childId() + ":" + reason + ":" + detail);
        }
    };

    @BeforeEach
    void setUpExecutor() {
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sup-test-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        factories.put("test", spec -> new TestProcess());
        factories.put("handover", spec -> new HandoverProcess());
        factories.put("failing", spec -> new TestProcess() {
            @Override
            public void init(ProcessContext context) {
                throw new IllegalStateException("init refused");
            }
        });
        factories.put("flaky", spec -> new TestProcess() {
            @Override
            public void init(ProcessContext context) throws Exception {
                super.init(context);
                if (initFailures.getAndDecrement() > 0) {
                    throw new IllegalStateException("flaky init");
                }
            }
        });
    }

    @AfterEach
    void tearDownExecutor() throws InterruptedException {
        gate.countDown();
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    Supervisor supervisor(SupervisorSettings settings) {
        return new Supervisor(HUB, NODE, name -> java.util.Optional.ofNullable(factories.get(name)), executor,
                settings, listener, () -> hub, incarnations::incrementAndGet, clock, log);
    }

    Supervisor supervisor() {
        return supervisor(SupervisorSettings.DEFAULTS);
    }

    static ChildSpec spec(String id, String factory) {
        return ChildSpec.of(id, factory);
    }

    static ProcessCell startOk(Supervisor sup, ChildSpec spec) {
        return await(sup.start(spec, Map.of(), Mode.ACTIVE, false, null));
    }

    static Object call(ProcessCell cell, Object message) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        cell.call(message, reply);
        return await(reply);
    }

    static CompletableFuture<Object> callAsync(ProcessCell cell, Object message) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        cell.call(message, reply);
        return reply;
    }

    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    /** The exception the stage failed with. */
    static Throwable failure(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    String nextNotice() throws InterruptedException {
        String n = notices.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(n).as("listener notice").isNotNull();
        return n;
    }

    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    void awaitEntered() throws InterruptedException {
        assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("process entered block").isTrue();
    }

    /** Scripted by message: "crash" throws, "stop" calls ctx.stop(), "count" counts, "block" waits on the gate. */
    class TestProcess implements HubProcess {
        ProcessContext ctx;
        int count;

        String me() {
            return ctx.spec().id();
        }

        @Override
        public void init(ProcessContext context) throws Exception {
            ctx = context;
            events.add("init:" + context.spec().id() + "#" + context.self().incarnation());
        }

        @Override
        public Object handleCall(Object message) throws Exception {
            events.add("call:" + me() + ":" + message);
            return switch (String.valueOf(message)) {
                case "crash" -> throw new IllegalStateException("boom");
                case "stop" -> {
                    ctx.stop();
                    yield "stopping";
                }
                case "count" -> ++count;
                case "incarnation" -> ctx.self().incarnation();
                case "mode" -> ctx.mode().name();
                case "block" -> {
                    entered.countDown();
                    if (!gate.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("gate never opened");
                    }
                    yield "unblocked";
                }
                default -> "re:" + message;
            };
        }

        @Override
        public void handleCast(Object message) throws Exception {
            events.add("cast:" + me() + ":" + message);
            if ("crash".equals(message)) {
                throw new IllegalStateException("cast boom");
            }
            count++;
        }

        @Override
        public void modeChanged(Mode mode) {
            events.add("mode:" + me() + ":" + mode);
        }

        @Override
        public void terminate(StopReason reason) {
            events.add("terminate:" + me() + ":" + reason);
        }
    }

    class HandoverProcess extends TestProcess implements Handover {
        @Override
        public Object exportState() {
            events.add("export:" + me());
            return "state-" + count;
        }

        @Override
        public void importState(Object state) {
            events.add("import:" + me() + ":" + state);
            count = Integer.parseInt(String.valueOf(state).substring("state-".length()));
        }
    }

    /** Keeps WARN and above (tests assert on them) and formats DEBUG lazily to exercise those paths. */
    static final class CapturingLog implements Log {
        final List<String> warnings = new CopyOnWriteArrayList<>();

        @Override
        public boolean enabled(Level level) {
            return true;
        }

        @Override
        public void log(Level level, String message, Throwable error) {
            if (level.compareTo(Level.WARN) >= 0) {
                warnings.add(level + " " + message + (error == null ? "" : " / " + error));
            }
        }
    }
}
