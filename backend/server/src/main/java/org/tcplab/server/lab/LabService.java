package org.tcplab.server.lab;

import jakarta.annotation.PreDestroy;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.tcplab.server.stream.LabStream;
import org.tcplab.server.system.LabMetrics;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.TcpLabProperties;
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
    private final ObjectProvider<LabDriverFactory> factories;
    private final LabMetrics metrics;
    private final JsonMapper json;
    private final LongSupplier wallNanos = System::nanoTime;
    private final Scheduler clockScheduler = Schedulers.newSingle("tcplab-clock", true);
    private final Disposable ticker;
    private final Disposable sweeper;

    public LabService(
            TcpLabProperties props, ObjectProvider<LabDriverFactory> factories, LabMetrics metrics, JsonMapper json) {
        this.props = props;
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
        LabDriverFactory factory = factoryFor(settings.mode());
        if (labs.size() >= props.getMaxLabs()) {
            throw LabProblem.unavailable("the server runs its maximum of " + props.getMaxLabs()
                    + " labs (tcplab.max-labs); try again later or delete a lab you no longer need");
        }
        admit(clientAddress);
        String id = randomId(16);
        String token = randomId(24);
        LabStream stream = new LabStream(json, metrics::event);
        Lab lab = new Lab(
                id,
                token,
                settings,
                clock,
                timeScale,
                props.getMaxEventsPerLab(),
                props.getInstantMaxSteps(),
                wallNanos,
                stream);
        lab.attach(factory.create(settings, lab.sink()));
        labs.put(id, lab);
        metrics.labCreated();
        return lab;
    }

    /**
     * Counts one creation against the client's per-minute budget (429 past it): for uploads, which
     * are rate-limited before their body is read.
     */
    public void admit(String clientAddress) {
        RateWindow window = creations.computeIfAbsent(clientAddress, a -> new RateWindow());
        if (!window.tryAcquire(System.currentTimeMillis(), props.getLabsPerClientPerMinute())) {
            throw LabProblem.tooMany("at most " + props.getLabsPerClientPerMinute()
                    + " labs or uploads per minute from one address (tcplab.labs-per-client-per-minute)");
        }
    }

    /**
     * Creates labs whose drivers are made elsewhere (a capture's conversations), all or none, sharing
     * one token; each driver gets its lab's event sink. 503 if the server has no room for all of them.
     */
    public synchronized List<Lab> createAll(
            LabSettings settings,
            List<java.util.function.Function<org.tcplab.engine.event.EventSink, LabDriver>> drivers) {
        int room = props.getMaxLabs() - labs.size();
        if (drivers.size() > room) {
            throw LabProblem.unavailable("this needs " + drivers.size() + " labs and the server has room for " + room
                    + " more (tcplab.max-labs " + props.getMaxLabs() + "); try again later");
        }
        String token = randomId(24);
        List<Lab> created = new ArrayList<>(drivers.size());
        for (var make : drivers) {
            LabStream stream = new LabStream(json, metrics::event);
            Lab lab = new Lab(
                    randomId(16),
                    token,
                    settings,
                    ClockMode.INSTANT,
                    1.0,
                    props.getMaxEventsPerLab(),
                    props.getInstantMaxSteps(),
                    wallNanos,
                    stream);
            lab.attach(make.apply(lab.sink()));
            labs.put(lab.id(), lab);
            metrics.labCreated();
            created.add(lab);
        }
        return created;
    }

    private LabDriverFactory factoryFor(String mode) {
        if ("tap".equals(mode) && !props.getTap().isEnabled()) {
            throw LabProblem.unavailable(org.tcplab.server.tap.TapAvailability.disabledReason());
        }
        return factories
                .orderedStream()
                .filter(f -> f.mode().equals(mode))
                .findFirst()
                .orElseThrow(() -> LabProblem.unavailable(mode + " mode is not available in this server build"));
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
            throw LabProblem.notFound("no lab " + id + " (it may have been deleted or removed after "
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

    /** Removes labs untouched for the idle timeout; a lab with open viewers is in use. */
    public int removeIdle() {
        long now = wallNanos.getAsLong();
        long idle = props.getIdleTimeout().toNanos();
        int removed = 0;
        for (Lab lab : labs.values()) {
            if (lab.viewers() == 0 && now - lab.lastTouchedNanos() > idle) {
                delete(lab);
                removed++;
            }
        }
        creations.entrySet().removeIf(e -> e.getValue().expired(System.currentTimeMillis()));
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
    }

    /** A fixed one-minute window per client address. */
    static final class RateWindow {
        private long windowStartMs = Long.MIN_VALUE;
        private int count;

        synchronized boolean tryAcquire(long nowMs, int limit) {
            if (nowMs - windowStartMs >= TimeUnit.MINUTES.toMillis(1)) {
                windowStartMs = nowMs;
                count = 0;
            }
            if (count >= limit) {
                return false;
            }
            count++;
            return true;
        }

        synchronized boolean expired(long nowMs) {
            return nowMs - windowStartMs >= TimeUnit.MINUTES.toMillis(1);
        }
    }
}
