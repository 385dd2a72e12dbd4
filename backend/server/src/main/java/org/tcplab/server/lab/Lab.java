package org.tcplab.server.lab;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.server.stream.LabStream;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import reactor.core.publisher.Mono;

/**
 * One lab: a driver (the engine is single-threaded), its event log, its clock and its viewers.
 *
 * <p>Every use of the driver runs on the lab's own serial {@link LabExecutor}, whether it comes
 * from a request, the realtime clock or a scenario, so the engine sees one caller at a time and
 * nobody holds a thread while waiting for a busy lab (a task that cannot start in time is refused
 * with 503 and never runs). Every run of the simulation is bounded in steps and in wall time, in
 * chunks of {@link #CHUNK} steps between which the wall clock (injected) is read and a stopped lab
 * stops at once: one runaway lab holds one pool thread for at most {@code tcplab.max-run-time}.
 *
 * <p>The log has its own lock and is read without waiting for the lab's work (viewers, pages of
 * events, the capture), so a busy lab is still watched.
 */
public final class Lab {

    /** Steps run between two looks at the wall clock and at {@link #stopped}. */
    static final int CHUNK = 1024;

    private final String id;
    private final String token;
    private final LabSettings settings;
    private final long createdWallNanos;
    private final EventLog log = new EventLog();
    /**
     * Guards the log (and its live publication). A tap driver emits from its own thread while the
     * lab's work may wait for that very thread, so appends never wait for the lab's executor: they
     * take this lock, which nobody holds while waiting for anything.
     */
    private final Object logLock = new Object();

    private final LabStream stream;
    private final LabLimits limits;
    private final LongSupplier wallNanos;
    private final LabExecutor executor;
    private final AtomicInteger viewers = new AtomicInteger();
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private LabWorld driver;

    private ClockMode clock;
    private double timeScale;
    private boolean paused;
    /** Realtime anchor: at wall time {@code baseWallNanos} the virtual clock read {@code baseVirtualUs}. */
    private long baseWallNanos;

    private long baseVirtualUs;
    private boolean behindNoted;
    /** Estimated heap the log holds (guarded by logLock). */
    private long retainedBytes;

    private volatile boolean stopped;
    private volatile String stopReason;
    private volatile long lastTouchedNanos;
    private volatile Object scenario;

    Lab(
            String id,
            String token,
            LabSettings settings,
            ClockMode clock,
            double timeScale,
            LabLimits limits,
            LongSupplier wallNanos,
            LabStream stream,
            Executor pool) {
        this.id = id;
        this.token = token;
        this.settings = settings;
        this.clock = clock;
        this.timeScale = timeScale;
        this.limits = limits;
        this.wallNanos = wallNanos;
        this.stream = stream;
        this.executor = new LabExecutor(pool, LabLimits.MAX_QUEUED);
        this.createdWallNanos = wallNanos.getAsLong();
        this.lastTouchedNanos = createdWallNanos;
        log.onAppend(stream::publish);
    }

    /** The sink the driver reports to: stops the lab when the event or byte limit is reached. */
    public EventSink sink() {
        return this::append;
    }

    void attach(LabWorld driver) {
        this.driver = driver;
        rebase();
    }

    private void append(LabEvent event) {
        synchronized (logLock) {
            if (stopped) {
                return;
            }
            long size = EventSize.of(event);
            // The last slot is the explanation, so a viewer sees why the lab went quiet.
            if (log.size() >= limits.maxEvents() - 1) {
                stop(
                        event.timeUs(),
                        "event limit reached (" + limits.maxEvents() + " events, tcplab.max-events-per-lab)");
            } else if (retainedBytes + size > limits.maxBytes()) {
                stop(
                        event.timeUs(),
                        "memory limit reached (its events hold " + mib(retainedBytes) + " of "
                                + mib(limits.maxBytes()) + ", tcplab.max-bytes-per-lab; large segments fill it"
                                + " fastest)");
            } else {
                retainedBytes += size;
                log.emit(event);
            }
        }
    }

    private void stop(long timeUs, String why) {
        stopped = true;
        stopReason = why;
        LabEvent.Note note = new LabEvent.Note(
                timeUs, null, why + ": the lab is stopped and accepts no further changes; create a new lab");
        retainedBytes += EventSize.of(note);
        log.emit(note);
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    public String id() {
        return id;
    }

    public String mode() {
        return settings.mode();
    }

    public LabSettings settings() {
        return settings;
    }

    public LabStream stream() {
        return stream;
    }

    public boolean stopped() {
        return stopped;
    }

    public long lastTouchedNanos() {
        return lastTouchedNanos;
    }

    public int viewers() {
        return viewers.get();
    }

    /** Counts a viewer in; returns how many the lab has now. */
    public int viewerOpened() {
        touch();
        return viewers.incrementAndGet();
    }

    public void viewerClosed() {
        viewers.decrementAndGet();
        touch();
    }

    public Object scenario() {
        return scenario;
    }

    public void scenario(Object run) {
        this.scenario = run;
    }

    boolean tokenMatches(String candidate) {
        return java.security.MessageDigest.isEqual(
                token.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                candidate.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    public String token() {
        return token;
    }

    /** Marks the lab as in use now: a request, or a viewer that shows it is reading. */
    public void touch() {
        lastTouchedNanos = wallNanos.getAsLong();
    }

    // ---- the log, read without waiting for the lab's work ----

    /** At most {@code limit} events with id greater than {@code after}, in order. */
    public List<LoggedEvent> events(long after, int limit) {
        synchronized (logLock) {
            return log.after(after, limit);
        }
    }

    public long lastEventId() {
        synchronized (logLock) {
            return log.lastId();
        }
    }

    /** Estimated heap held by the log's events (what {@code tcplab.max-bytes-per-lab} bounds). */
    public long retainedBytes() {
        synchronized (logLock) {
            return retainedBytes;
        }
    }

    // ---- the lab's work ----

    /**
     * Runs {@code work} on the lab's executor without holding the caller's thread: the way requests
     * reach a lab. 503 (with Retry-After) if the lab's earlier work does not let it start within
     * {@code tcplab.lab-busy-timeout}; it then never runs.
     */
    public <T> Mono<T> async(Callable<T> work) {
        return executor.submit(
                () -> {
                    touch();
                    return work.call();
                },
                limits.busyTimeout(),
                this::busy);
    }

    /** Waits for {@code work} on the lab's executor (at once when already there). */
    private <T> T call(Callable<T> work) {
        return executor.call(work, limits.busyTimeout(), this::busy);
    }

    private LabProblem busy() {
        long seconds = Math.max(1, (limits.maxRun().toMillis() + 999) / 1000);
        return LabProblem.busy(
                "lab " + id + " is busy with earlier work (each request may simulate up to "
                        + limits.maxRun().toMillis() + " ms, tcplab.max-run-time); retry in " + seconds + " s",
                java.time.Duration.ofSeconds(seconds));
    }

    /** Reads on the lab's executor; nothing runs. */
    public <T> T read(Function<LabView, T> reader) {
        return call(() -> {
            touch();
            return reader.apply(new LabView());
        });
    }

    /**
     * Applies a change on the lab's executor, then lets an instant clock run to idle (bounded) so the
     * answer and the next read see every consequence. Refused with 409 once a limit stopped the lab.
     */
    public <T> T change(Function<LabWorld, T> action) {
        return call(() -> {
            touch();
            if (stopped) {
                throw LabProblem.of(
                        ProblemType.LAB_STOPPED, "lab " + id + " is stopped (" + stopReason + "); create a new lab");
            }
            refuseIfReadOnly();
            T result = action.apply(driver);
            if (clock == ClockMode.INSTANT && !paused) {
                runToIdle();
            }
            return result;
        });
    }

    /**
     * A world that only shows what happened elsewhere (a capture) would refuse the command itself;
     * refused here first, with the lab's own words and code, so that nothing runs (not even the clock).
     */
    private void refuseIfReadOnly() {
        if (driver != null && driver.capabilities().readOnly()) {
            throw LabProblem.of(
                    ProblemType.LAB_READ_ONLY,
                    "lab " + id + " (mode " + mode() + ") is read-only: it shows what was captured and nothing in it"
                            + " can change; delete it with its token, or start a lab of your own");
        }
    }

    /** How a bounded run ended. */
    enum RunEnd {
        DONE,
        STOPPED,
        OUT_OF_STEPS,
        OUT_OF_TIME
    }

    /**
     * Calls {@code chunk} with at most {@link #CHUNK} steps at a time (it answers whether the run is
     * complete) until it is, the lab stops, {@code tcplab.instant-max-steps} ran, or {@code budget}
     * nanoseconds of wall time passed.
     */
    private RunEnd run(LongPredicate chunk, long budgetNanos) {
        long start = wallNanos.getAsLong();
        long steps = 0;
        while (true) {
            if (stopped) return RunEnd.STOPPED;
            long n = Math.min(CHUNK, limits.maxSteps() - steps);
            if (n <= 0) return RunEnd.OUT_OF_STEPS;
            if (chunk.test(n)) return RunEnd.DONE;
            steps += n;
            if (stopped) return RunEnd.STOPPED;
            if (wallNanos.getAsLong() - start >= budgetNanos) return RunEnd.OUT_OF_TIME;
        }
    }

    private void runToIdle() {
        RunEnd end = run(driver::runUntilIdle, limits.maxRun().toNanos());
        if (end == RunEnd.OUT_OF_STEPS || end == RunEnd.OUT_OF_TIME) {
            append(new LabEvent.Note(
                    driver.nowUs(),
                    null,
                    "instant clock stopped after " + spent(end)
                            + " with work still pending (a loop?); use the step clock to look closer"));
        }
    }

    private String spent(RunEnd end) {
        return end == RunEnd.OUT_OF_STEPS
                ? limits.maxSteps() + " steps (tcplab.instant-max-steps)"
                : limits.maxRun().toMillis() + " ms of simulation (tcplab.max-run-time)";
    }

    /** Step clock: moves virtual time by {@code us}, or runs {@code steps} occurrences; both bounded. */
    public AdvanceResult advance(Long us, Integer steps) {
        return change(d -> {
            if (clock != ClockMode.STEP) {
                throw LabProblem.conflict("advance needs the step clock; this lab's clock is " + clock.id()
                        + " (PATCH /api/labs/" + id + "/clock to change it)");
            }
            long[] ran = {0};
            RunEnd end;
            long target = us == null ? 0 : d.nowUs() + us;
            if (us != null) {
                end = run(n -> d.runUntil(target, n), limits.maxRun().toNanos());
            } else {
                end = run(
                        n -> {
                            for (long i = 0; i < n; i++) {
                                if (ran[0] >= steps || !d.step()) return true;
                                ran[0]++;
                            }
                            return ran[0] >= steps;
                        },
                        limits.maxRun().toNanos());
            }
            boolean complete = end == RunEnd.DONE;
            if (end == RunEnd.OUT_OF_STEPS || end == RunEnd.OUT_OF_TIME) {
                append(new LabEvent.Note(
                        d.nowUs(),
                        null,
                        "advance stopped at " + d.nowUs() / 1000.0 + " ms after " + spent(end)
                                + " with work still due (a loop?); advance again to go on"));
            }
            return new AdvanceResult(
                    d.nowUs() / 1000.0,
                    (int) ran[0],
                    lastEventId(),
                    d.nextEventUs() == Long.MAX_VALUE ? null : d.nextEventUs() / 1000.0,
                    complete);
        });
    }

    /** @param complete false when a limit (or the lab stopping) ended the advance before its target */
    public record AdvanceResult(double time, int steps, long lastEventId, Double nextEventTime, boolean complete) {}

    /** Changes the clock of a live lab; the realtime anchor restarts from the current virtual time. */
    public void setClock(ClockMode newClock, Double newScale, Boolean newPaused) {
        call(() -> {
            touch();
            refuseIfReadOnly();
            if (driver != null && driver.capabilities().realTimeOnly()) {
                // Real time cannot be paused, stepped or scaled: the Linux kernel runs on the wall clock.
                if (newClock != null && newClock != ClockMode.REALTIME) {
                    throw LabProblem.badInput(
                            "clock", "a " + mode() + " lab runs in real time: its clock can only be realtime");
                }
                if (newScale != null && newScale != 1.0) {
                    throw LabProblem.badInput(
                            "timeScale", "a " + mode() + " lab runs in real time: timeScale must be 1");
                }
                if (Boolean.TRUE.equals(newPaused)) {
                    throw LabProblem.badInput("paused", "a " + mode() + " lab runs in real time and cannot be paused");
                }
            }
            if (newClock != null) clock = newClock;
            if (newScale != null) timeScale = newScale;
            if (newPaused != null) paused = newPaused;
            rebase();
            if (clock == ClockMode.INSTANT && !paused && !stopped) {
                runToIdle();
            }
            return null;
        });
    }

    private void rebase() {
        baseWallNanos = wallNanos.getAsLong();
        baseVirtualUs = driver == null ? 0 : driver.nowUs();
    }

    /**
     * Realtime clock: queues one tick on the lab's executor (never two), which runs the simulation up
     * to the virtual time the wall clock says it is, for at most one tick's worth of wall time. The
     * clock thread only queues, so a lab that cannot keep up slows nobody but itself.
     */
    public void tick() {
        if (clock != ClockMode.REALTIME || paused || stopped || !tickQueued.compareAndSet(false, true)) {
            return;
        }
        executor.post(() -> {
            tickQueued.set(false);
            if (clock != ClockMode.REALTIME || paused || stopped) {
                return;
            }
            long elapsedNanos = wallNanos.getAsLong() - baseWallNanos;
            long target = baseVirtualUs + (long) (elapsedNanos / 1000.0 * timeScale);
            if (target <= driver.nowUs()) {
                return;
            }
            RunEnd end = run(n -> driver.runUntil(target, n), limits.tickRun().toNanos());
            if ((end == RunEnd.OUT_OF_STEPS || end == RunEnd.OUT_OF_TIME) && !behindNoted) {
                behindNoted = true;
                append(new LabEvent.Note(
                        driver.nowUs(),
                        null,
                        "realtime clock falling behind: one tick ran " + spent(end)
                                + " without reaching the wall clock's time (a loop?); pause or use the step clock"));
            }
        });
    }

    /** Stops at once (a running chunk ends within {@link #CHUNK} steps); the driver is released after it. */
    void shutdown() {
        stopped = true;
        if (stopReason == null) stopReason = "deleted";
        try {
            // A running chunk sees the stop flag at once, so this waits for little; a TAP lab's
            // namespace is gone when DELETE answers.
            call(() -> {
                if (driver != null) driver.close();
                return null;
            });
        } catch (LabProblem busy) {
            executor.post(() -> {
                if (driver != null) driver.close();
            });
        } finally {
            stream.complete();
        }
    }

    /** Tasks waiting for the lab's executor. */
    int waiting() {
        return executor.waiting();
    }

    /** What readers may look at on the lab's executor. */
    public final class LabView {
        public LabWorld driver() {
            return driver;
        }

        public ClockMode clock() {
            return clock;
        }

        public double timeScale() {
            return timeScale;
        }

        public boolean paused() {
            return paused;
        }

        public long lastEventId() {
            return Lab.this.lastEventId();
        }

        public int eventCount() {
            synchronized (logLock) {
                return log.size();
            }
        }

        public long retainedBytes() {
            return Lab.this.retainedBytes();
        }

        public List<LoggedEvent> eventsAfter(long after) {
            synchronized (logLock) {
                return log.after(after);
            }
        }

        public boolean stopped() {
            return stopped;
        }

        public long wallAgeNanos() {
            return wallNanos.getAsLong() - createdWallNanos;
        }
    }
}
