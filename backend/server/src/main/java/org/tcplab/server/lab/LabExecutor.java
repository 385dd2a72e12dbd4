package org.tcplab.server.lab;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.MDC;
import org.tcplab.server.system.LabProblem;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * One lab's work, one task at a time, in submission order, on a pool shared by all labs (style
 * principle 6: one executor per lab keeps order; the engine stays single-threaded without a lock).
 *
 * <p>Nobody waits for a busy lab on a thread of their own: a task waits in the lab's queue, and if
 * it has not started within its wait it is withdrawn (it never runs, so a refused change changes
 * nothing) and its caller gets a 503 naming the lab. Each task's own work is bounded by its caller
 * (steps and wall time), so a pool thread is never held for long; a lab runs at most
 * {@link #BATCH} tasks per turn before it gives the thread back to the other labs.
 */
final class LabExecutor {

    /** Tasks a lab runs per turn on a pool thread before queueing itself behind the other labs. */
    static final int BATCH = 16;

    private final Executor pool;
    private final int maxQueued;
    private final Queue<Task<?>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile Thread runner;

    LabExecutor(Executor pool, int maxQueued) {
        this.pool = pool;
        this.maxQueued = maxQueued;
    }

    /** True on the thread running this lab's work: calls from there run at once (nested reads, scenario steps). */
    boolean inLab() {
        return Thread.currentThread() == runner;
    }

    /**
     * Runs {@code work} after the lab's earlier tasks. Fails with {@code busy} when it has not started
     * within {@code maxWait}, or at once when too many tasks already wait.
     */
    <T> Mono<T> submit(Callable<T> work, Duration maxWait, Supplier<LabProblem> busy) {
        return Mono.create(sink -> {
            if (queued.incrementAndGet() > maxQueued) {
                queued.decrementAndGet();
                sink.error(busy.get());
                return;
            }
            // The request's log context from the Reactor context, not the subscribing thread's MDC.
            Map<String, String> mdc = org.tcplab.server.system.RequestLog.mdcOf(sink.contextView());
            Task<T> task = new Task<>(work, sink, mdc != null ? mdc : MDC.getCopyOfContextMap());
            Disposable timer = Schedulers.parallel()
                    .schedule(
                            () -> {
                                if (task.withdraw()) sink.error(busy.get());
                            },
                            maxWait.toNanos(),
                            java.util.concurrent.TimeUnit.NANOSECONDS);
            sink.onDispose(timer);
            // A caller that goes away (client disconnected) before the task starts withdraws it.
            sink.onCancel(task::withdraw);
            queue.add(task);
            schedule();
        });
    }

    /** Fire and forget (the realtime clock's ticks): runs in order with everything else, never refused. */
    void post(Runnable work) {
        queued.incrementAndGet();
        queue.add(new Task<>(
                () -> {
                    work.run();
                    return null;
                },
                null));
        schedule();
    }

    /**
     * Runs {@code work} and waits for it: at once when already on the lab's thread, else through the
     * queue (the waiting is bounded by {@code maxWait} plus the task's own bounded run).
     */
    <T> T call(Callable<T> work, Duration maxWait, Supplier<LabProblem> busy) {
        if (inLab()) {
            return Task.unchecked(work);
        }
        return submit(work, maxWait, busy).block();
    }

    /** Tasks waiting to start (for tests and metrics). */
    int waiting() {
        return queued.get();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // The server is shutting down: nothing will run; callers time out with 503.
                scheduled.set(false);
            }
        }
    }

    private void drain() {
        runner = Thread.currentThread();
        try {
            for (int i = 0; i < BATCH; i++) {
                Task<?> task = queue.poll();
                if (task == null) break;
                queued.decrementAndGet();
                task.run();
            }
        } finally {
            runner = null;
            scheduled.set(false);
        }
        if (!queue.isEmpty()) schedule();
    }

    private static final class Task<T> {
        private static final int WAITING = 0;
        private static final int RUNNING = 1;
        private static final int WITHDRAWN = 2;

        private final Callable<T> work;
        private final MonoSink<T> sink;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        /** The submitter's log context (its request id and client), for the lines this work logs. */
        private final Map<String, String> mdc;

        Task(Callable<T> work, MonoSink<T> sink) {
            this(work, sink, MDC.getCopyOfContextMap());
        }

        Task(Callable<T> work, MonoSink<T> sink, Map<String, String> mdc) {
            this.work = work;
            this.sink = sink;
            this.mdc = mdc;
        }

        /** True if the task had not started and now never will. */
        boolean withdraw() {
            return state.compareAndSet(WAITING, WITHDRAWN);
        }

        void run() {
            if (!state.compareAndSet(WAITING, RUNNING)) return;
            if (mdc == null) MDC.clear();
            else MDC.setContextMap(mdc);
            T result;
            try {
                result = unchecked(work);
            } catch (RuntimeException | Error e) {
                if (sink == null) {
                    org.slf4j.LoggerFactory.getLogger(LabExecutor.class).warn("lab task failed", e);
                } else {
                    sink.error(e);
                }
                return;
            } finally {
                MDC.clear();
            }
            if (sink != null) sink.success(result);
        }

        static <T> T unchecked(Callable<T> work) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
