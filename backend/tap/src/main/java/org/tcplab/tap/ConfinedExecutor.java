package org.tcplab.tap;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tcplab.engine.tcp.TcpUserException;

/**
 * Runs work on the one thread that owns some state (thread confinement): a lab's driver owns its
 * TCP host, device and event sink; a namespace's thread owns its network namespace. Other threads
 * hand work over with {@link #call} (and wait for the answer, whose exception they get) or
 * {@link #post} (and do not wait); the owner runs it between its own work with {@link #runPending}
 * or, when it has nothing else to do, blocks in {@link #runUntilClosed}. Work the owner submits runs
 * at once, inline.
 *
 * <p>{@link #close} fails whatever is queued and every later call at once with the reason, so no
 * caller waits for an owner that has stopped. {@code wake} tells an owner blocked elsewhere (in
 * {@code poll(2)}) that work arrived.
 */
final class ConfinedExecutor {

    private final String name;
    private final Runnable wake;
    private final long timeoutMs;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private volatile Thread owner;
    private volatile String closedBecause;

    /**
     * @param name what the owner is, for messages ("the TAP lab tcplab-1-2")
     * @param wake makes the owner notice new work (called on every submit; may be a no-op)
     * @param timeoutMs how long {@link #call} waits before it gives up on the owner
     */
    ConfinedExecutor(String name, Runnable wake, long timeoutMs) {
        this.name = name;
        this.wake = wake;
        this.timeoutMs = timeoutMs;
    }

    /** Makes the calling thread the owner. */
    void own() {
        owner = Thread.currentThread();
    }

    boolean onOwner() {
        return Thread.currentThread() == owner;
    }

    /** Whether work is waiting for the owner. */
    boolean pending() {
        return !queue.isEmpty();
    }

    /**
     * Runs {@code work} on the owner and answers its result: inline when called by the owner, else
     * queued and awaited. Its RuntimeException reaches the caller as it is; a checked one becomes a
     * TapException; a closed executor or an owner that does not answer within the timeout is a
     * TapException saying so.
     */
    <T> T call(Callable<T> work) {
        if (onOwner()) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new TapException(e.getMessage(), e);
            }
        }
        FutureTask<T> task = new FutureTask<>(work);
        submit(task);
        try {
            return task.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new TapException(String.valueOf(cause.getMessage()), cause);
        } catch (CancellationException e) {
            throw stopped();
        } catch (TimeoutException e) {
            throw new TapException(name + " did not answer within " + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TapException("interrupted while waiting for " + name, e);
        }
    }

    /**
     * {@link #call} for a lab's command: an owner that cannot answer (stopped, stuck) is a refusal
     * the lab's user sees as a conflict ({@code TcpUserException}, 409), saying why.
     */
    <T> T command(Callable<T> work) {
        try {
            return call(work);
        } catch (TapException e) {
            throw new TcpUserException(name + " cannot do this now: " + e.getMessage());
        }
    }

    /** Runs {@code work} on the owner later (inline if the owner calls); dropped once closed. */
    void post(Runnable work) {
        if (onOwner()) {
            work.run();
            return;
        }
        if (closedBecause == null) submit(work);
    }

    /** Owner only: runs the work queued so far (not what it queues meanwhile); answers how much ran. */
    int runPending() {
        int n = queue.size();
        int ran = 0;
        Runnable r;
        while (ran < n && (r = queue.poll()) != null) {
            r.run();
            ran++;
        }
        return ran;
    }

    /** Owner only: runs work as it comes until {@link #close} (a thread with nothing else to do). */
    void runUntilClosed() {
        while (closedBecause == null) {
            try {
                queue.take().run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Refuses further work and fails what is queued, saying {@code reason}. Idempotent. */
    void close(String reason) {
        if (closedBecause == null) closedBecause = reason;
        Runnable r;
        while ((r = queue.poll()) != null) {
            if (r instanceof FutureTask<?> f) f.cancel(false);
        }
        // A runUntilClosed owner blocked in take() sees the flag once it has something to take.
        queue.add(() -> {});
        wake.run();
    }

    private void submit(Runnable work) {
        if (closedBecause != null) throw stopped();
        queue.add(work);
        wake.run();
        // Closed meanwhile: the task might sit in a queue nobody drains any more.
        if (closedBecause != null && queue.remove(work) && work instanceof FutureTask<?> f) f.cancel(false);
    }

    private TapException stopped() {
        return new TapException(name + " has stopped: " + closedBecause);
    }
}
