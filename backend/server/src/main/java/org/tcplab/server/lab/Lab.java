package org.tcplab.server.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.lab.CaptureInfo;
import org.tcplab.engine.lab.LabCapabilities;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.lab.ObservedSide;
import org.tcplab.engine.lab.ScriptStatus;
import org.tcplab.engine.lab.TapInfo;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.quiz.QuizStatus;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.wire.Ipv4Address;
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
 *
 * <p>Durable: every command the world applies, every note the lab adds and every clock change is a
 * {@link JournalEntry}, written to the {@link LabStore} on the lab's executor before the request
 * that caused it is answered (a realtime lab's clock runs ahead of its journal by at most
 * {@code tcplab.journal-realtime-flush}). {@link #replay} rebuilds the lab from them.
 */
public final class Lab {

    /** Steps run between two looks at the wall clock and at {@link #stopped}. */
    static final int CHUNK = 1024;

    private final String id;
    private final byte[] tokenHash;
    /** The token as issued; only a lab created by this process has it (the store keeps the hash). */
    private volatile String token;

    private final LabSettings settings;
    private final long createdWallNanos;
    private final EventLog log;
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
    private final AtomicBoolean catchUpQueued = new AtomicBoolean();
    private final LabStore store;
    /** Whether the world can be rebuilt from its commands (not a world facing the Linux kernel). */
    private boolean replayable = true;
    /** Entries not yet in the store, and the number the next stored one gets (lab executor only). */
    private final List<JournalEntry> pending = new ArrayList<>();

    private volatile long nextSeq = 1;
    /**
     * Cluster mode: another instance runs this lab and this is its follower copy, kept up to date
     * from the journal that instance writes; it refuses changes, journals nothing and lets no clock
     * run (see {@link #follow}, {@link #lead}).
     */
    private volatile boolean following;

    private long lastFlushNanos;
    private boolean replaying;
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
    /** Set under the log's lock, so it sees every event after the ones it was handed when attached. */
    private volatile LabScenario scenario;
    /** The address that created the lab, for the log lines about it (set once, by the service). */
    /** False for a lab the store does not keep (see {@link #ephemeral}). */
    private volatile boolean stored = true;

    private volatile String client = "unknown";
    /** Per-lab state of server features (the quiz's answers): it lives and dies with the lab. */
    private final Map<Class<?>, Object> features = new ConcurrentHashMap<>();
    /** See each event right after it is logged. */
    private final List<Consumer<LabEvent>> observers = new CopyOnWriteArrayList<>();

    Lab(
            String id,
            byte[] tokenHash,
            LabSettings settings,
            ClockMode clock,
            double timeScale,
            boolean paused,
            LabLimits limits,
            LongSupplier wallNanos,
            LabStream stream,
            Executor pool,
            LabStore store,
            long firstEventIdBefore) {
        this.id = id;
        this.tokenHash = tokenHash.clone();
        this.store = store;
        this.log = new EventLog(firstEventIdBefore);
        this.settings = settings;
        this.clock = clock;
        this.timeScale = timeScale;
        this.paused = paused;
        this.limits = limits;
        this.wallNanos = wallNanos;
        this.stream = stream;
        this.executor = new LabExecutor(pool, LabLimits.MAX_QUEUED);
        this.createdWallNanos = wallNanos.getAsLong();
        this.lastTouchedNanos = createdWallNanos;
        this.lastFlushNanos = createdWallNanos;
        log.onAppend(this::logged);
    }

    /** Each event, right after the log numbered it (under the log's lock): to viewers and the scenario. */
    private void logged(LoggedEvent event) {
        stream.publish(event);
        LabScenario s = scenario;
        if (s != null) s.logged(event);
    }

    /** SHA-256 of a token: what the store keeps, and what a presented token is compared with. */
    static byte[] hash(String token) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The sink the driver reports to: stops the lab when the event or byte limit is reached. */
    public EventSink sink() {
        return this::append;
    }

    /** @param replayable whether the world can be rebuilt by replaying its commands */
    /**
     * Keeps this lab out of the store: it is not rebuilt after a restart (a capture's conversation,
     * whose uploaded file the server does not keep).
     */
    void ephemeral() {
        this.stored = false;
    }

    /** Whether the store keeps this lab (not a capture's conversation). */
    boolean stored() {
        return stored;
    }

    void attach(LabWorld world, boolean replayable) {
        this.driver = new Journaled(world);
        this.replayable = replayable;
        rebase();
    }

    void issued(String token) {
        this.token = token;
    }

    byte[] tokenHash() {
        return tokenHash.clone();
    }

    boolean replayable() {
        return replayable;
    }

    /** The clock as the store keeps it at creation (later changes are journal entries). */
    ClockMode clockMode() {
        return clock;
    }

    double timeScale() {
        return timeScale;
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
                for (Consumer<LabEvent> o : observers) o.accept(event);
            }
        }
    }

    private void stop(long timeUs, String why) {
        stopped = true;
        stopReason = why;
        LabService.log.info("lab {} stopped by a limit, created by {}: {}", id, client, why);
        LabEvent.Note note = new LabEvent.Note(
                timeUs, null, why + ": the lab is stopped and accepts no further changes; create a new lab");
        retainedBytes += EventSize.of(note);
        log.emit(note);
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** The address that created this lab. */
    public String client() {
        return client;
    }

    void client(String address) {
        this.client = address;
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

    /**
     * {@code type}'s state for this lab, made by {@code create} on first use; nothing outlives the
     * lab (a class's quiz answers are forgotten with it).
     */
    public <T> T feature(Class<T> type, Function<Lab, T> create) {
        return type.cast(features.computeIfAbsent(type, t -> create.apply(this)));
    }

    /**
     * {@code observer} sees each event right after it is logged, on the thread that logged it and
     * under the log's lock: it must be quick and never wait for the lab.
     */
    public void observe(Consumer<LabEvent> observer) {
        observers.add(observer);
    }

    public LabScenario scenario() {
        return scenario;
    }

    /**
     * Attaches a scenario started at virtual time {@code fromUs}: it is handed the logged events from
     * that time on (the log is in time order), then every new one as it is logged.
     */
    public void scenario(LabScenario run, long fromUs) {
        synchronized (logLock) {
            long first = log.lastId() + 1;
            while (first > 1 && log.after(first - 2, 1).get(0).event().timeUs() >= fromUs) first--;
            for (LoggedEvent e : log.after(first - 1)) run.logged(e);
            this.scenario = run;
        }
    }

    boolean tokenMatches(String candidate) {
        return java.security.MessageDigest.isEqual(tokenHash, hash(candidate));
    }

    /** The token as issued at creation (null for a lab rebuilt from the store: it keeps only the hash). */
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
            refuseIfFollowing();
            refuseIfReadOnly();
            T result;
            try {
                result = action.apply(driver);
                if (clock == ClockMode.INSTANT && !paused) {
                    runToIdle();
                }
            } finally {
                // What was applied is journaled even when the request fails afterwards (a 409 from
                // a later call in the same action): the world has it, so its replay must too.
                flush();
            }
            return result;
        });
    }

    private void refuseIfFollowing() {
        if (following) {
            throw LabProblem.unavailable("lab " + id + " is run by another server instance, which did not take this"
                    + " request; retry in a few seconds (when an instance stops, another takes its labs over within"
                    + " tcplab.cluster.lease-time)");
        }
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
            note(
                    driver.nowUs(),
                    "instant clock stopped after " + spent(end)
                            + " with work still pending (a loop?); use the step clock to look closer");
        }
    }

    /**
     * A note of the lab's own (not the world's): journaled, because what caused it (wall time run
     * out) is not replayable, while the note must be there again at the same id.
     */
    private void note(long timeUs, String text) {
        append(new LabEvent.Note(timeUs, null, text));
        journal(new JournalEntry.Note(timeUs, text));
    }

    /**
     * Keeps {@code data} about this lab in its journal as a mark of {@code kind}; the {@link LabMarks}
     * bean of that kind restores it on replay. Call from the lab's work (inside {@link #change}).
     */
    public void mark(String kind, java.util.Map<String, Object> data) {
        journal(new JournalEntry.Mark(driver.nowUs(), kind, data));
    }

    private void journal(JournalEntry entry) {
        if (!replaying && !following) pending.add(entry);
    }

    /**
     * Journals a command the world applied. A completed run to T after other runs (nothing else in
     * between) replaces them: running to T in one go does the same, and a realtime lab's ticks then
     * cost one entry per flush rather than one per tick.
     */
    private void journal(long atUs, LabCommand<?> command, Object result) {
        if (replaying || following || !replayable) return;
        if (command instanceof LabCommand.RunUntil r && Boolean.TRUE.equals(result) && r.timeUs() >= atUs) {
            long from = atUs;
            while (!pending.isEmpty()
                    && pending.get(pending.size() - 1) instanceof JournalEntry.Command last
                    && isRun(last.command())) {
                from = last.atUs();
                pending.remove(pending.size() - 1);
            }
            pending.add(new JournalEntry.Command(from, new LabCommand.RunUntil(r.timeUs())));
            return;
        }
        pending.add(new JournalEntry.Command(atUs, command));
    }

    private static boolean isRun(LabCommand<?> c) {
        return c instanceof LabCommand.RunUntil || c instanceof LabCommand.RunUntilIdle || c instanceof LabCommand.Step;
    }

    /**
     * Writes the pending entries to the store (on the lab's executor); a command's answer waits for
     * this. When the store fails, the entries stay pending (the next flush tries again) and the
     * request answers 503.
     */
    private void flush() {
        if (!stored) pending.clear();
        if (pending.isEmpty()) return;
        List<JournalEntry> batch = List.copyOf(pending);
        try {
            store.append(id, nextSeq, batch);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Lab.class).error("journal of lab {} not written", id, e);
            throw LabProblem.unavailable("lab " + id + " could not be journaled (the data store failed: "
                    + e.getClass().getSimpleName() + "); try again");
        }
        nextSeq += batch.size();
        pending.clear();
        lastFlushNanos = wallNanos.getAsLong();
    }

    /** A lab that cannot be replayed keeps its last event id, so its end note after a restart follows it. */
    private void keepLastEventId() {
        if (!replayable && stored) store.lastEventId(id, lastEventId());
    }

    /** Entries the lab has not written yet (tests). */
    int pendingEntries() {
        return pending.size();
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
                note(
                        d.nowUs(),
                        "advance stopped at " + d.nowUs() / 1000.0 + " ms after " + spent(end)
                                + " with work still due (a loop?); advance again to go on");
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
            refuseIfFollowing();
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
            journal(new JournalEntry.ClockSet(driver.nowUs(), clock.id(), timeScale, paused));
            try {
                if (clock == ClockMode.INSTANT && !paused && !stopped) {
                    runToIdle();
                }
            } finally {
                flush();
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
        if (following || clock != ClockMode.REALTIME || paused || stopped || !tickQueued.compareAndSet(false, true)) {
            return;
        }
        executor.post(() -> {
            tickQueued.set(false);
            if (following || clock != ClockMode.REALTIME || paused || stopped) {
                return;
            }
            long elapsedNanos = wallNanos.getAsLong() - baseWallNanos;
            long target = baseVirtualUs + (long) (elapsedNanos / 1000.0 * timeScale);
            if (target <= driver.nowUs()) {
                return;
            }
            RunEnd end = run(n -> driver.runUntil(target, n), limits.tickRun().toNanos());
            if (end == RunEnd.DONE && driver.nowUs() < target) {
                // The world stands (class mode holds a segment): time resumes from here, not with a jump.
                rebase();
            }
            if ((end == RunEnd.OUT_OF_STEPS || end == RunEnd.OUT_OF_TIME) && !behindNoted) {
                behindNoted = true;
                note(
                        driver.nowUs(),
                        "realtime clock falling behind: one tick ran " + spent(end)
                                + " without reaching the wall clock's time (a loop?); pause or use the step clock");
            }
            if (wallNanos.getAsLong() - lastFlushNanos >= limits.realtimeFlush().toNanos()) {
                try {
                    flush();
                    if (!replayable) {
                        keepLastEventId();
                        lastFlushNanos = wallNanos.getAsLong();
                    }
                } catch (RuntimeException e) {
                    // Logged by flush; the entries stay pending and the next tick tries again.
                }
            }
        });
    }

    /**
     * Stops at once (a running chunk ends within {@link #CHUNK} steps); the driver is released after
     * it. With {@code restarting} (the server stops, the lab lives on in the store) the journal is
     * written first, and a lab that cannot be replayed logs that it ends here.
     */
    void shutdown(boolean restarting) {
        if (restarting && !replayable && stored && !stopped) {
            stopWith("the server is restarting: a " + mode() + " lab runs against the Linux kernel, whose side"
                    + " cannot be replayed, so it ends here; create a new lab");
        }
        stopped = true;
        if (stopReason == null) stopReason = restarting ? "server restarting" : "deleted";
        Callable<Void> release = () -> {
            try {
                if (restarting) {
                    flush();
                    keepLastEventId();
                }
            } finally {
                if (driver != null) driver.close();
            }
            return null;
        };
        try {
            // A running chunk sees the stop flag at once, so this waits for little; a TAP lab's
            // namespace is gone when DELETE answers.
            call(release);
        } catch (LabProblem busy) {
            executor.post(() -> {
                try {
                    release.call();
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(Lab.class).warn("lab {} not released cleanly", id, e);
                }
            });
        } finally {
            stream.complete();
        }
    }

    /** Stops the lab with a note saying why (the note is the last event). */
    void stopWith(String why) {
        synchronized (logLock) {
            if (stopped) return;
            stop(driver == null ? 0 : driver.nowUs(), why);
        }
    }

    /**
     * Rebuilds the lab from its journal before anyone sees it: the commands on the fresh world (the
     * simulation is deterministic, so the same events with the same ids follow), the lab's own notes
     * at their places, clock changes, and marks through their {@link LabMarks}. A realtime clock
     * then goes on from the virtual time the journal reached.
     */
    void replay(List<JournalEntry> entries, java.util.Map<String, LabMarks> marks) {
        replaying = true;
        try {
            LabWorld world = ((Journaled) driver).world;
            for (JournalEntry e : entries) {
                if (e instanceof JournalEntry.Command c) {
                    try {
                        world.apply(c.command());
                    } catch (RuntimeException refused) {
                        // It was refused the first time too, having changed nothing.
                    }
                } else if (e instanceof JournalEntry.Note n) {
                    append(new LabEvent.Note(n.atUs(), null, n.text()));
                } else if (e instanceof JournalEntry.ClockSet c) {
                    clock = ClockMode.parse(c.clock());
                    timeScale = c.timeScale();
                    paused = c.paused();
                } else if (e instanceof JournalEntry.Mark m && marks.containsKey(m.kind())) {
                    marks.get(m.kind()).restore(this, driver, m.data());
                }
            }
        } finally {
            replaying = false;
        }
        nextSeq += entries.size();
        rebase();
    }

    // ---- cluster mode: one instance runs the lab, others follow its journal ----

    /** Whether another instance runs this lab and this copy follows its journal. */
    boolean following() {
        return following;
    }

    /** Journal entries this lab has applied (or written): where its follower copy stands. */
    long applied() {
        return nextSeq - 1;
    }

    /**
     * From now on this copy follows the journal another instance writes: what it has not journaled
     * yet is dropped (that instance's journal is the lab now), and it neither ticks nor takes changes.
     */
    void follow() {
        call(() -> {
            following = true;
            pending.clear();
            return null;
        });
    }

    /**
     * Applies the entries the journal gained after the ones this copy applied, on the lab's executor
     * (so a tail and a request catching up at once apply each entry once).
     */
    void catchUp(java.util.Map<String, LabMarks> marks) {
        call(() -> {
            applyNewEntries(marks);
            return null;
        });
    }

    /**
     * {@link #catchUp} later, on the lab's executor, without waiting for it (the journal tail's way);
     * at most one is queued, and it reads whatever the journal holds by the time it runs.
     */
    void catchUpSoon(java.util.Map<String, LabMarks> marks) {
        if (!following || !catchUpQueued.compareAndSet(false, true)) return;
        executor.post(() -> {
            catchUpQueued.set(false);
            try {
                applyNewEntries(marks);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Lab.class).debug("lab {} not caught up now", id, e);
            }
        });
    }

    /** A follower copy replays what the store's journal holds beyond its own entries (lab executor only). */
    private void applyNewEntries(java.util.Map<String, LabMarks> marks) {
        if (!following) return;
        List<JournalEntry> entries = store.entriesAfter(id, applied());
        if (!entries.isEmpty()) replay(entries, marks);
    }

    /**
     * This instance runs the lab from here (it took the lease and caught up with the journal): a
     * realtime clock goes on from the virtual time the journal reached.
     */
    void lead() {
        call(() -> {
            following = false;
            rebase();
            return null;
        });
    }

    /** The world as the lab's work sees it: each command it applies is journaled. */
    private final class Journaled implements LabWorld {
        private final LabWorld world;

        Journaled(LabWorld world) {
            this.world = world;
        }

        @Override
        public <R> R apply(LabCommand<R> command) {
            long at = world.nowUs();
            R result = world.apply(command);
            journal(at, command, result);
            return result;
        }

        @Override
        public LabCapabilities capabilities() {
            return world.capabilities();
        }

        @Override
        public long nowUs() {
            return world.nowUs();
        }

        @Override
        public long nextEventUs() {
            return world.nextEventUs();
        }

        @Override
        public Ipv4Address address(HostName host) {
            return world.address(host);
        }

        @Override
        public TcpConfig tcp(HostName host) {
            return world.tcp(host);
        }

        @Override
        public List<Integer> listeners(HostName host) {
            return world.listeners(host);
        }

        @Override
        public List<ConnectionSnapshot> connections(HostName host) {
            return world.connections(host);
        }

        @Override
        public List<ObservedSide> observed(HostName host) {
            return world.observed(host);
        }

        @Override
        public boolean knowsConnection(String connection) {
            return world.knowsConnection(connection);
        }

        @Override
        public byte[] received(String connection, HostName side) {
            return world.received(connection, side);
        }

        @Override
        public List<FaultRule> faults() {
            return world.faults();
        }

        @Override
        public LinkConfig link() {
            return world.link();
        }

        @Override
        public ScriptStatus script(int scriptId) {
            return world.script(scriptId);
        }

        @Override
        public Optional<TapInfo> tapInfo() {
            return world.tapInfo();
        }

        @Override
        public QuizStatus quiz() {
            return world.quiz();
        }

        @Override
        public Optional<CaptureInfo> capture() {
            return world.capture();
        }

        @Override
        public void close() {
            world.close();
        }
    }

    /** Tasks waiting for the lab's executor. */
    int waiting() {
        return executor.waiting();
    }

    /** What readers may look at on the lab's executor. */
    public final class LabView {
        /** The world itself, for reading (a change made here would bypass the journal: use {@link #change}). */
        public LabWorld driver() {
            return driver instanceof Journaled j ? j.world : driver;
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

        public boolean stopped() {
            return stopped;
        }

        public long wallAgeNanos() {
            return wallNanos.getAsLong() - createdWallNanos;
        }
    }
}
