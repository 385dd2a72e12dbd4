package org.tcplab.server.lab;

import jakarta.annotation.PreDestroy;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.server.stream.LabStream;
import org.tcplab.server.system.LabMetrics;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.system.Problems;
import org.tcplab.server.system.TcpLabProperties;
import org.tcplab.server.system.WallClock;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry of live labs: creation (with the per-server and per-client limits), lookup, access
 * tokens, removal of idle labs, and the realtime clock's ticks. Wall time is read here, never in the
 * engine: virtual time is derived from it for realtime labs only.
 */
@Service
public class LabService {

    private final Map<String, Lab> labs = new ConcurrentHashMap<>();
    private final Map<String, RateWindow> creations = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final TcpLabProperties props;
    private final ObjectProvider<LabWorldFactory> factories;
    private final LabMetrics metrics;
    private final JsonMapper json;
    /** Wall time for the per-client creation windows; tests move it by hand. */
    private final Clock clock;

    private final LongSupplier wallNanos;
    private final Scheduler clockScheduler = Schedulers.newSingle("tcplab-clock", true);
    /**
     * Runs every lab's work (each lab in order on its own serial executor): requests, ticks, scenario
     * steps. More threads than cores, so a lab that spends its whole run budget leaves the others
     * threads; each task is bounded by tcplab.max-run-time.
     */
    private final ExecutorService labPool = Executors.newFixedThreadPool(
            Math.max(8, 4 * Runtime.getRuntime().availableProcessors()), daemonThreads("tcplab-lab-"));

    private final Disposable ticker;
    private final Disposable sweeper;

    public LabService(
            TcpLabProperties props,
            ObjectProvider<LabWorldFactory> factories,
            LabMetrics metrics,
            JsonMapper json,
            WallClock wallClock,
            Clock clock) {
        this.wallNanos = wallClock::nanos;
        this.props = props;
        this.clock = clock;
        this.factories = factories;
        this.metrics = metrics;
        this.json = json;
        long tick = Math.max(1, props.getRealtimeTick().toMillis());
        this.ticker = Flux.interval(java.time.Duration.ofMillis(tick), clockScheduler)
                .onBackpressureDrop()
                .subscribe(i -> tickAll());
        long sweep = Math.max(200, Math.min(30_000, props.getIdleTimeout().toMillis() / 4));
        this.sweeper = Flux.interval(java.time.Duration.ofMillis(sweep), Schedulers.boundedElastic())
                .onBackpressureDrop()
                .subscribe(i -> removeIdle());
    }

    public TcpLabProperties properties() {
        return props;
    }

    /** Creates a lab or refuses it (429 per client per minute, 503 when the server is full). */
    public synchronized Lab create(LabSettings settings, ClockMode clock, double timeScale, String clientAddress) {
        LabWorldFactory factory = factoryFor(settings.mode());
        if (labs.size() >= props.getMaxLabs()) {
            throw LabProblem.of(
                    ProblemType.SERVER_FULL,
                    "the server runs its maximum of " + props.getMaxLabs()
                            + " labs (tcplab.max-labs); try again later or delete a lab you no longer need");
        }
        acquireCreation(clientAddress);
        String id = randomId(16);
        String token = randomId(24);
        LabStream stream =
                new LabStream(json, metrics::event, props.getViewerBuffer(), props.getViewerBufferBytes(), wallNanos);
        Lab lab = new Lab(id, token, settings, clock, timeScale, LabLimits.of(props), wallNanos, stream, labPool);
        lab.attach(factory.create(settings, lab.sink()));
        labs.put(id, lab);
        metrics.labCreated();
        return lab;
    }

    /**
     * Labs made together from worlds built elsewhere (a capture's conversations), all or none, under
     * one token. The ids are drawn first, so each world may name its siblings. 503 when the server has
     * no room for all of them; the caller counted the request with {@link #admit} already.
     */
    public synchronized List<Lab> createGroup(LabSettings settings, int count, GroupWorlds worlds) {
        int room = props.getMaxLabs() - labs.size();
        if (count > room) {
            throw LabProblem.of(
                    ProblemType.SERVER_FULL,
                    "this needs " + count + " labs and the server has room for " + Math.max(0, room)
                            + " more (tcplab.max-labs " + props.getMaxLabs() + "); try again later");
        }
        String token = randomId(24);
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) ids.add(randomId(16));
        List<Lab> created = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            LabStream stream = new LabStream(
                    json, metrics::event, props.getViewerBuffer(), props.getViewerBufferBytes(), wallNanos);
            Lab lab = new Lab(
                    ids.get(i),
                    token,
                    settings,
                    ClockMode.INSTANT,
                    1.0,
                    LabLimits.of(props),
                    wallNanos,
                    stream,
                    labPool);
            lab.attach(worlds.create(i, ids, lab.sink()));
            created.add(lab);
        }
        for (Lab lab : created) {
            labs.put(lab.id(), lab);
            metrics.labCreated();
        }
        return created;
    }

    /** Builds world {@code index} of a group whose labs get {@code ids}, reporting to {@code sink}. */
    @FunctionalInterface
    public interface GroupWorlds {
        LabWorld create(int index, List<String> ids, EventSink sink);
    }

    /**
     * Counts one creation (a lab, or an upload that makes several) against the client's one-minute
     * window: 429 past {@code tcplab.labs-per-client-per-minute}.
     */
    public synchronized void admit(String clientAddress) {
        acquireCreation(clientAddress);
    }

    /**
     * Counts one creation against the client's one-minute window, or refuses it with 429 and when to
     * come back. The windows map holds at most {@code tcplab.max-tracked-clients} addresses: expired
     * windows go first, and while every slot is live a new address waits for the oldest to end, so
     * rotating addresses neither grows the map nor resets anyone's window.
     */
    private void acquireCreation(String clientAddress) {
        long now = clock.millis();
        String key = rateKey(clientAddress);
        RateWindow window = creations.get(key);
        if (window == null) {
            if (creations.size() >= props.getMaxTrackedClients()) {
                creations.values().removeIf(w -> w.expired(now));
            }
            if (creations.size() >= props.getMaxTrackedClients()) {
                long wait = creations.values().stream()
                        .mapToLong(w -> w.retryAfterMs(now))
                        .min()
                        .orElse(RateWindow.WINDOW_MS);
                throw LabProblem.tooMany(
                        ProblemType.RATE_LIMITER_FULL,
                        props.getMaxTrackedClients() + " addresses are creating labs this minute"
                                + " (tcplab.max-tracked-clients); try again in "
                                + Problems.retryAfterSeconds(Duration.ofMillis(wait)) + " s",
                        Duration.ofMillis(wait));
            }
            window = new RateWindow();
            creations.put(key, window);
        }
        if (!window.tryAcquire(now, props.getLabsPerClientPerMinute())) {
            Duration wait = Duration.ofMillis(window.retryAfterMs(now));
            throw LabProblem.tooMany(
                    ProblemType.RATE_LIMITED,
                    "at most " + props.getLabsPerClientPerMinute()
                            + " labs per minute from one address (tcplab.labs-per-client-per-minute); try again in "
                            + Problems.retryAfterSeconds(wait) + " s, or reuse a lab you have",
                    wait);
        }
    }

    /**
     * The address a window counts: IPv4 as it is, IPv6 by its /64 (one host or home network holds a
     * whole /64, RFC 4291 §2.5.4, and could otherwise rotate through it).
     */
    static String rateKey(String address) {
        if (address.indexOf(':') < 0) return address;
        try {
            byte[] b = java.net.InetAddress.getByName(address).getAddress();
            if (b.length != 16) return address;
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)))
                        .append(':');
            }
            return sb.append(":/64").toString();
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }

    private LabWorldFactory factoryFor(String mode) {
        if ("tap".equals(mode) && !props.getTap().isEnabled()) {
            throw LabProblem.of(ProblemType.MODE_UNAVAILABLE, org.tcplab.server.tap.TapAvailability.disabledReason());
        }
        return factories
                .orderedStream()
                .filter(f -> f.mode().equals(mode))
                .findFirst()
                .orElseThrow(() -> LabProblem.of(
                        ProblemType.MODE_UNAVAILABLE, mode + " mode is not available in this server build"));
    }

    /** 128 bits or more from SecureRandom, URL-safe. */
    private String randomId(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public Lab get(String id) {
        Lab lab = labs.get(id);
        if (lab == null) {
            throw LabProblem.of(
                    ProblemType.LAB_NOT_FOUND,
                    "no lab " + id + " (it may have been deleted or removed after "
                            + props.getIdleTimeout().toMinutes() + " idle minutes)");
        }
        return lab;
    }

    /** The lab, if {@code authorization} carries its token: 401 without one, 403 with another. */
    public Lab authorized(String id, String authorization) {
        Lab lab = get(id);
        if (authorization == null || authorization.isBlank()) {
            throw LabProblem.unauthorized("changing a lab needs its token: Authorization: Bearer <token>");
        }
        String prefix = "Bearer ";
        if (!authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw LabProblem.unauthorized("use Authorization: Bearer <token>");
        }
        if (!lab.tokenMatches(authorization.substring(prefix.length()).trim())) {
            throw LabProblem.forbidden("this token does not open lab " + id);
        }
        return lab;
    }

    public void delete(Lab lab) {
        if (labs.remove(lab.id(), lab)) {
            metrics.labRemoved();
            lab.shutdown();
        }
    }

    public int size() {
        return labs.size();
    }

    /** Client addresses whose creation window is held (bounded by tcplab.max-tracked-clients). */
    int trackedClients() {
        return creations.size();
    }

    public List<Lab> all() {
        return new ArrayList<>(labs.values());
    }

    void tickAll() {
        for (Lab lab : labs.values()) {
            try {
                lab.tick();
            } catch (RuntimeException e) {
                // One broken lab must not stop the clock of the others; its viewers see it go quiet.
                org.slf4j.LoggerFactory.getLogger(LabService.class)
                        .warn("realtime tick failed for lab {}", lab.id(), e);
            }
        }
    }

    /**
     * Removes labs untouched for the idle timeout. Requests touch a lab, and so do its viewers while
     * they show they are reading (each answered ping, each frame taken): a viewer that stalled does
     * not keep a lab alive.
     */
    public int removeIdle() {
        long now = wallNanos.getAsLong();
        long idle = props.getIdleTimeout().toNanos();
        int removed = 0;
        for (Lab lab : labs.values()) {
            if (now - lab.lastTouchedNanos() > idle) {
                delete(lab);
                removed++;
            }
        }
        long nowMs = clock.millis();
        synchronized (this) {
            // Under create()'s lock, so a window is never dropped between its lookup and its use.
            creations.values().removeIf(w -> w.expired(nowMs));
        }
        return removed;
    }

    @PreDestroy
    void stop() {
        ticker.dispose();
        sweeper.dispose();
        clockScheduler.dispose();
        for (Lab lab : all()) {
            delete(lab);
        }
        labPool.shutdown();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A fixed one-minute window per client address, starting at its first creation. */
    static final class RateWindow {
        static final long WINDOW_MS = TimeUnit.MINUTES.toMillis(1);
        private long windowStartMs;
        private int count;

        synchronized boolean tryAcquire(long nowMs, int limit) {
            // A clock set back starts a new window rather than stretching this one.
            if (count == 0 || nowMs - windowStartMs >= WINDOW_MS || nowMs < windowStartMs) {
                windowStartMs = nowMs;
                count = 0;
            }
            if (count >= limit) {
                return false;
            }
            count++;
            return true;
        }

        /** Milliseconds until this window ends and its client may create again. */
        synchronized long retryAfterMs(long nowMs) {
            return Math.max(0, windowStartMs + WINDOW_MS - nowMs);
        }

        synchronized boolean expired(long nowMs) {
            return count == 0 || nowMs - windowStartMs >= WINDOW_MS || nowMs < windowStartMs;
        }
    }
}
