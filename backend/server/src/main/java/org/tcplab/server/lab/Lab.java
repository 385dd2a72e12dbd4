package org.tcplab.server.lab;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.server.stream.LabStream;
import org.tcplab.server.system.LabProblem;

/**
 * One lab: a driver (the engine is single-threaded), its event log, its clock and its viewers.
 * Every access goes through {@link #read} or {@link #change}, which hold the lab's lock, so the
 * engine sees one caller at a time whether the call comes from a request, the realtime clock or
 * a scenario.
 */
public final class Lab {

    private final String id;
    private final String token;
    private final LabSettings settings;
    private final long createdWallNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final EventLog log = new EventLog();
    /**
     * Guards the log (and its live publication). Sim drivers emit under the lab's lock anyway; a tap
     * driver emits from its own thread while a request may hold the lab's lock and wait for that very
     * thread, so appends cannot take the lab's lock: they take this one, which nobody holds while
     * waiting for anything. Lock order: lab lock, then log lock.
     */
    private final Object logLock = new Object();

    private final LabStream stream;
    private final int maxEvents;
    private final long instantMaxSteps;
    private final LongSupplier wallNanos;
    private final AtomicInteger viewers = new AtomicInteger();
    private LabDriver driver;

    private ClockMode clock;
    private double timeScale;
    private boolean paused;
    /** Realtime anchor: at wall time {@code baseWallNanos} the virtual clock read {@code baseVirtualUs}. */
    private long baseWallNanos;

    private long baseVirtualUs;
    private volatile boolean stopped;
    private volatile long lastTouchedNanos;
    private volatile Object scenario;

    Lab(
            String id,
            String token,
            LabSettings settings,
            ClockMode clock,
            double timeScale,
            int maxEvents,
            long instantMaxSteps,
            LongSupplier wallNanos,
            LabStream stream) {
        this.id = id;
        this.token = token;
        this.settings = settings;
        this.clock = clock;
        this.timeScale = timeScale;
        this.maxEvents = maxEvents;
        this.instantMaxSteps = instantMaxSteps;
        this.wallNanos = wallNanos;
        this.stream = stream;
        this.createdWallNanos = wallNanos.getAsLong();
        this.lastTouchedNanos = createdWallNanos;
        log.onAppend(stream::publish);
    }

    /** The sink the driver reports to: stops the lab when the event limit is reached. */
    public EventSink sink() {
        return this::append;
    }

    void attach(LabDriver driver) {
        this.driver = driver;
        rebase();
    }

    private void append(LabEvent event) {
        synchronized (logLock) {
            if (stopped) {
                return;
            }
            if (log.size() >= maxEvents - 1) {
                // The last slot is the explanation, so a viewer sees why the lab went quiet.
                stopped = true;
                log.emit(new LabEvent.Note(
                        event.timeUs(),
                        null,
                        "event limit reached (" + maxEvents
                                + " events): the lab is stopped and accepts no further changes; create a new lab"));
                return;
            }
            log.emit(event);
        }
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

    public void viewerOpened() {
        viewers.incrementAndGet();
        touch();
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

    void touch() {
        lastTouchedNanos = wallNanos.getAsLong();
    }

    /** Reads under the lock; nothing runs. */
    public <T> T read(Function<LabView, T> reader) {
        lock.lock();
        try {
            touch();
            return reader.apply(new LabView());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies a change under the lock, then lets an instant clock run to idle so the answer (and the
     * next read) sees every consequence. Refused with 409 once the event limit stopped the lab.
     */
    public <T> T change(Function<LabDriver, T> action) {
        lock.lock();
        try {
            touch();
            if (stopped) {
                throw LabProblem.conflict(
                        "lab " + id + " reached its event limit (" + maxEvents + ") and is stopped; create a new lab");
            }
            refuseIfReadOnly();
            T result = action.apply(driver);
            if (clock == ClockMode.INSTANT && !paused) {
                runToIdle();
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    private void refuseIfReadOnly() {
        if (driver != null && driver.readOnly()) {
            throw LabProblem.conflict(
                    "lab " + id + " shows a " + mode()
                            + " and is read-only: nothing in it can change (delete it with its token, or start a lab of your own)");
        }
    }

    private void runToIdle() {
        if (!driver.runUntilIdle(instantMaxSteps)) {
            append(new LabEvent.Note(
                    driver.nowUs(),
                    null,
                    "instant clock stopped after " + instantMaxSteps
                            + " steps with work still pending (a loop?); use the step clock to look closer"));
        }
    }

    /** Step clock: moves virtual time by {@code us}, or runs {@code steps} occurrences. */
    public AdvanceResult advance(Long us, Integer steps) {
        return change(d -> {
            if (clock != ClockMode.STEP) {
                throw LabProblem.conflict("advance needs the step clock; this lab's clock is " + clock.id()
                        + " (PATCH /api/labs/" + id + "/clock to change it)");
            }
            int ran = 0;
            if (us != null) {
                d.runUntil(d.nowUs() + us);
            } else {
                while (ran < steps && d.step()) {
                    ran++;
                }
            }
            return new AdvanceResult(
                    d.nowUs() / 1000.0,
                    ran,
                    log.lastId(),
                    d.nextEventUs() == Long.MAX_VALUE ? null : d.nextEventUs() / 1000.0);
        });
    }

    public record AdvanceResult(double time, int steps, long lastEventId, Double nextEventTime) {}

    /** Changes the clock of a live lab; the realtime anchor restarts from the current virtual time. */
    public void setClock(ClockMode newClock, Double newScale, Boolean newPaused) {
        lock.lock();
        try {
            touch();
            refuseIfReadOnly();
            if (driver != null && driver.realTimeOnly()) {
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
        } finally {
            lock.unlock();
        }
    }

    private void rebase() {
        baseWallNanos = wallNanos.getAsLong();
        baseVirtualUs = driver == null ? 0 : driver.nowUs();
    }

    /** Realtime clock: runs the simulation up to the virtual time the wall clock says it is. */
    public void tick() {
        if (clock != ClockMode.REALTIME || paused || stopped) {
            return;
        }
        if (!lock.tryLock()) {
            return; // a request holds the lab; the next tick catches up
        }
        try {
            if (clock != ClockMode.REALTIME || paused || stopped) {
                return;
            }
            long elapsedNanos = wallNanos.getAsLong() - baseWallNanos;
            long target = baseVirtualUs + (long) (elapsedNanos / 1000.0 * timeScale);
            if (target > driver.nowUs()) {
                driver.runUntil(target);
            }
        } finally {
            lock.unlock();
        }
    }

    void shutdown() {
        lock.lock();
        try {
            stopped = true;
            if (driver != null) {
                driver.shutdown();
            }
        } finally {
            lock.unlock();
            stream.complete();
        }
    }

    /** What readers may look at while they hold the lock. */
    public final class LabView {
        public LabDriver driver() {
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
            synchronized (logLock) {
                return log.lastId();
            }
        }

        public int eventCount() {
            synchronized (logLock) {
                return log.size();
            }
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
