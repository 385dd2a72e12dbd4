package org.tcplab.server.lab;

import jakarta.annotation.PreDestroy;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.server.stream.LabStream;
import org.tcplab.server.system.ClusterMode;
import org.tcplab.server.system.LabMetrics;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.system.Problems;
import org.tcplab.server.system.TcpLabProperties;
import org.tcplab.server.system.WallClock;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
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

    static final Logger log = LoggerFactory.getLogger(LabService.class);

    private final Map<String, Lab> labs = new ConcurrentHashMap<>();
    /** Per-client creation windows; look-ups and use under its own lock (held only for that). */
    private final Map<String, RateWindow> creations = new ConcurrentHashMap<>();
    /** Labs live plus labs being created: what tcplab.max-labs bounds. */
    private final AtomicInteger slots = new AtomicInteger();

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
    private final LabStore store;
    private final Map<String, LabMarks> marks = new java.util.HashMap<>();
    /** Cluster mode: leases, shared limits, journal tails; one instance alone: {@link LabCluster#single()}. */
    private final LabCluster cluster;
    /** Cluster mode: renews leases, notices labs deleted or left by other instances. */
    private final Disposable clusterRounds;
    /** Cluster mode: how often {@link #clusterRound} runs. */
    private final long roundNanos;
    /** Cluster mode: follower copies learn of new journal entries here. */
    private final Thread tail;

    private volatile boolean running = true;
    /**
     * Loads from the store under way (cluster mode), per lab: two requests load a lab once, and a
     * long replay of one lab delays nobody asking for another.
     */
    private final Map<String, java.util.concurrent.CompletableFuture<Lab>> loading = new ConcurrentHashMap<>();

    public LabService(
            TcpLabProperties props,
            ObjectProvider<LabWorldFactory> factories,
            LabMetrics metrics,
            JsonMapper json,
            WallClock wallClock,
            Clock clock,
            LabStore store,
            List<LabMarks> marks,
            ObjectProvider<LabCluster> cluster) {
        this.store = store;
        this.cluster = cluster.getIfAvailable(LabCluster::single);
        marks.forEach(m -> this.marks.put(m.kind(), m));
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
        if (this.cluster.enabled()) {
            long round = Math.max(100, props.getCluster().getLeaseTime().toMillis() / 3);
            this.roundNanos = TimeUnit.MILLISECONDS.toNanos(round);
            this.clusterRounds = Flux.interval(Duration.ofMillis(round), Schedulers.boundedElastic())
                    .onBackpressureDrop()
                    .subscribe(i -> clusterRound());
            this.tail = new Thread(this::followJournals, "tcplab-journal-tail");
            tail.setDaemon(true);
            tail.start();
        } else {
            this.roundNanos = 0;
            this.clusterRounds = null;
            this.tail = null;
        }
    }

    public TcpLabProperties properties() {
        return props;
    }

    /**
     * Creates a lab from a create request (lab-api.md's {@code POST /labs} body; null: every
     * default): the rules for a new lab's settings, seed and clock live here and in {@link LabSpec}.
     */
    public Lab create(LabSpec body, String clientAddress) {
        LabSpec spec = body != null ? body : LabSpec.defaults();
        ClockMode clock = spec.clockMode();
        double timeScale = spec.timeScaleOrDefault();
        LabSettings settings = spec.settings(spec.seedOrRandom(random));
        return create(settings, clock, timeScale, Boolean.TRUE.equals(spec.paused()), clientAddress);
    }

    /** Creates a lab running (not paused) on the given clock. */
    public Lab create(LabSettings settings, ClockMode clock, double timeScale, String clientAddress) {
        return create(settings, clock, timeScale, false, clientAddress);
    }

    /**
     * Creates a lab or refuses it (429 per client per minute, 503 when the server is full). Admission
     * is atomic (a slot is taken before the world is built, and given back if building fails), but
     * no lock is held while the world is set up: a slow TAP setup delays only its own creation.
     */
    private Lab create(LabSettings settings, ClockMode clock, double timeScale, boolean paused, String clientAddress) {
        LabWorldFactory factory = factoryFor(settings.mode());
        String id = randomId(16);
        if (cluster.enabled()) {
            cluster.countCreation(rateKey(clientAddress), props.getLabsPerClientPerMinute());
            cluster.admit(id, props.getMaxLabs());
        } else if (slots.incrementAndGet() > props.getMaxLabs()) {
            slots.decrementAndGet();
            throw LabProblem.of(
                    ProblemType.SERVER_FULL,
                    "the server runs its maximum of " + props.getMaxLabs()
                            + " labs (tcplab.max-labs); try again later or delete a lab you no longer need");
        }
        boolean admitted = false;
        try {
            if (!cluster.enabled()) acquireCreation(clientAddress);
            String token = randomId(24);
            Lab lab = newLab(id, Lab.hash(token), settings, clock, timeScale, paused, 0);
            lab.issued(token);
            lab.client(clientAddress);
            lab.attach(factory.create(settings, lab.sink()), factory.replayable());
            // A lab created paused starts its journal with that clock, so a replay is paused too.
            List<JournalEntry> first =
                    paused ? List.of(new JournalEntry.ClockSet(0, clock.id(), timeScale, true)) : List.of();
            try {
                store.create(new LabStore.StoredLab(
                        id, lab.tokenHash(), settings, clock.id(), timeScale, this.clock.instant(), 0, first));
            } catch (RuntimeException e) {
                lab.shutdown(false);
                log.error("lab {} could not be stored", id, e);
                throw LabProblem.unavailable("the lab could not be stored (the data store failed); try again");
            }
            labs.put(id, lab);
            metrics.labCreated();
            admitted = true;
            log.info(
                    "lab {} created by {}: {} mode, {} clock ({} live)",
                    id,
                    clientAddress,
                    settings.mode(),
                    clock.id(),
                    labs.size());
            return lab;
        } finally {
            if (!admitted) unadmit(id);
        }
    }

    /** Gives back the room a lab took that was not made after all. */
    private void unadmit(String id) {
        if (!cluster.enabled()) {
            slots.decrementAndGet();
            return;
        }
        try {
            store.delete(id);
        } catch (RuntimeException e) {
            log.warn("lab {} not made, and its place in the cluster's count not given back", id, e);
        }
    }

    /**
     * Active OPEN from {@code from} as the request asks, on the lab's executor: the local port given
     * or the first free ephemeral one, and with {@code autoListen} the other host listening.
     */
    static String connect(LabWorld d, HostName from, LabRequests.Connect body) {
        boolean autoListen = Boolean.TRUE.equals(body.autoListen());
        if (d.capabilities().realTimeOnly()
                && autoListen
                && !d.listeners(from.other()).contains(body.remotePort())) {
            // Real time does not stand still after the SYN leaves: listen first, or it meets a RST.
            d.listen(from.other(), body.remotePort());
        }
        int localPort = body.localPort() != null ? body.localPort() : ephemeralPort(d, from);
        String conn = d.connect(
                from,
                localPort,
                body.remotePort(),
                body.isn() == null ? null : SeqNum.of(body.isn()),
                body.peerIsn() == null ? null : SeqNum.of(body.peerIsn()),
                Boolean.TRUE.equals(body.simultaneous()));
        // After the SYN is queued and before time moves: the same instant as listening first.
        if (autoListen && !d.listeners(from.other()).contains(body.remotePort())) {
            d.listen(from.other(), body.remotePort());
        }
        return conn;
    }

    /** The first port from 49152 (RFC 6335 dynamic range) the host does not use yet. */
    static int ephemeralPort(LabWorld d, HostName host) {
        Set<Integer> used = new TreeSet<>(d.listeners(host));
        for (ConnectionSnapshot c : d.connections(host)) used.add(c.key().localPort());
        for (int p = 49152; p <= 65535; p++) {
            if (!used.contains(p)) return p;
        }
        throw LabProblem.conflict("no free local port on " + host.id());
    }

    /** The server's limits as the API shows them. */
    public LabJson.ServerLimits limits() {
        return LabJson.ServerLimits.of(props);
    }

    /** The lab's snapshot ({@code GET /api/labs/{lab}}), read on its executor. */
    public LabJson.LabSnapshot snapshot(Lab lab) {
        LabJson.ServerLimits limits = limits();
        return lab.read(v -> LabJson.LabSnapshot.of(lab, v, limits));
    }

    private Lab newLab(
            String id,
            byte[] tokenHash,
            LabSettings settings,
            ClockMode clock,
            double timeScale,
            boolean paused,
            long firstEventId) {
        LabStream stream =
                new LabStream(json, metrics::event, props.getViewerBuffer(), props.getViewerBufferBytes(), wallNanos);
        return new Lab(
                id,
                tokenHash,
                settings,
                clock,
                timeScale,
                paused,
                LabLimits.of(props),
                wallNanos,
                stream,
                labPool,
                store,
                firstEventId);
    }

    /**
     * Rebuilds every stored lab before the server answers anyone: a sim lab by replaying its journal
     * (same events, same ids, same token), a lab that cannot be replayed (tap) as ended, with a note
     * saying so after the last id it is known to have logged.
     */
    @jakarta.annotation.PostConstruct
    void restore() {
        // Cluster mode loads a lab when it is first asked for (find), from the shared store.
        if (cluster.enabled()) return;
        long start = System.nanoTime();
        int[] count = {0, 0};
        store.forEach(stored -> {
            try {
                Lab lab = rebuild(stored);
                labs.put(lab.id(), lab);
                slots.incrementAndGet();
                metrics.labCreated();
                count[0]++;
            } catch (RuntimeException e) {
                count[1]++;
                log.error("lab {} could not be rebuilt from its journal; it is removed", stored.id(), e);
                store.delete(stored.id());
            }
        });
        if (count[0] + count[1] > 0) {
            log.info(
                    "restored {} labs from {} in {} ms ({} could not be rebuilt)",
                    count[0],
                    props.getDataDir(),
                    (System.nanoTime() - start) / 1_000_000,
                    count[1]);
        }
    }

    private Lab rebuild(LabStore.StoredLab stored) {
        LabSettings settings = stored.settings();
        LabWorldFactory factory = factories
                .orderedStream()
                .filter(f -> f.mode().equals(settings.mode()))
                .findFirst()
                .orElse(null);
        ClockMode clock = ClockMode.parse(stored.clock());
        if (factory != null && factory.replayable()) {
            Lab lab = newLab(stored.id(), stored.tokenHash(), settings, clock, stored.timeScale(), false, 0);
            lab.attach(factory.create(settings, lab.sink()), true);
            lab.replay(stored.entries(), marks);
            return lab;
        }
        Lab lab =
                newLab(stored.id(), stored.tokenHash(), settings, ClockMode.REALTIME, 1.0, false, stored.lastEventId());
        lab.attach(new EndedWorld(settings), false);
        lab.stopWith("this " + settings.mode() + " lab ended when the server restarted: its Linux kernel side cannot"
                + " be replayed, and its earlier events are gone; create a new lab");
        return lab;
    }

    /**
     * Labs made together from worlds built elsewhere (a capture's conversations), all or none, under
     * one token. The ids are drawn first, so each world may name its siblings. 503 when the server has
     * no room for all of them; the caller counted the request with {@link #admit} already.
     */
    public List<Lab> createGroup(LabSettings settings, int count, GroupWorlds worlds) {
        if (cluster.enabled()) {
            // Kept only by this instance (nothing to rebuild them from), but counted with the cluster's.
            List<String> ids = new ArrayList<>(count);
            for (int i = 0; i < count; i++) ids.add(randomId(16));
            List<String> taken = new ArrayList<>(count);
            try {
                for (String id : ids) {
                    cluster.admit(id, props.getMaxLabs());
                    taken.add(id);
                }
            } catch (LabProblem full) {
                taken.forEach(this::unadmit);
                throw full;
            }
            return createGroup(settings, ids, worlds);
        }
        if (slots.addAndGet(count) > props.getMaxLabs()) {
            int room = props.getMaxLabs() - (slots.addAndGet(-count));
            throw LabProblem.of(
                    ProblemType.SERVER_FULL,
                    "this needs " + count + " labs and the server has room for " + Math.max(0, room)
                            + " more (tcplab.max-labs " + props.getMaxLabs() + "); try again later");
        }
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) ids.add(randomId(16));
        return createGroup(settings, ids, worlds);
    }

    private List<Lab> createGroup(LabSettings settings, List<String> ids, GroupWorlds worlds) {
        int count = ids.size();
        List<Lab> created = new ArrayList<>(count);
        boolean admitted = false;
        try {
            String token = randomId(24);
            for (int i = 0; i < count; i++) {
                Lab lab = newLab(ids.get(i), Lab.hash(token), settings, ClockMode.INSTANT, 1.0, false, 0);
                lab.issued(token);
                // Not stored: the upload is not kept, so there is nothing to rebuild it from.
                lab.ephemeral();
                lab.attach(worlds.create(i, ids, lab.sink()), false);
                created.add(lab);
            }
            for (Lab lab : created) {
                labs.put(lab.id(), lab);
                metrics.labCreated();
            }
            admitted = true;
            return created;
        } finally {
            if (!admitted) {
                ids.forEach(this::unadmit);
                for (Lab lab : created) lab.shutdown(false);
            }
        }
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
    public void admit(String clientAddress) {
        acquireCreation(clientAddress);
    }

    /**
     * Counts one creation against the client's one-minute window, or refuses it with 429 and when to
     * come back. The windows map holds at most {@code tcplab.max-tracked-clients} addresses: expired
     * windows go first, and while every slot is live a new address waits for the oldest to end, so
     * rotating addresses neither grows the map nor resets anyone's window.
     */
    private void acquireCreation(String clientAddress) {
        synchronized (creations) {
            acquireCreationLocked(clientAddress);
        }
    }

    private void acquireCreationLocked(String clientAddress) {
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
        LabWorldFactory factory = factories
                .orderedStream()
                .filter(f -> f.mode().equals(mode))
                .findFirst()
                .orElseThrow(() -> LabProblem.of(
                        ProblemType.MODE_UNAVAILABLE, mode + " mode is not available in this server build"));
        if (cluster.enabled() && !factory.replayable()) {
            throw LabProblem.of(ProblemType.MODE_UNAVAILABLE, ClusterMode.NO_TAP);
        }
        factory.checkAvailable();
        return factory;
    }

    /** 128 bits or more from SecureRandom, URL-safe. */
    private String randomId(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The lab as this instance has it now (404 if it has none); requests use {@link #find}. */
    public Lab get(String id) {
        Lab lab = labs.get(id);
        if (lab == null) throw notFound(id);
        return lab;
    }

    private LabProblem notFound(String id) {
        return LabProblem.of(
                ProblemType.LAB_NOT_FOUND,
                "no lab " + id + " (it may have been deleted or removed after "
                        + props.getIdleTimeout().toMinutes() + " idle minutes)");
    }

    /**
     * The lab a request names, 404 if there is none. One instance alone: a map lookup. Cluster mode:
     * a lab another instance runs is loaded from the shared store on first use and caught up with
     * its journal on each (off the event loop: the store blocks), and a lab whose instance died is
     * taken over.
     */
    public Mono<Lab> find(String id) {
        Lab lab = labs.get(id);
        if (!cluster.enabled() || (lab != null && !lab.following())) {
            return lab != null ? Mono.just(lab) : Mono.error(notFound(id));
        }
        return Mono.fromCallable(() -> load(id)).subscribeOn(Schedulers.boundedElastic());
    }

    /** {@link #find}, then the token check of {@link #authorized}. */
    public Mono<Lab> findAuthorized(String id, String authorization) {
        return find(id).map(lab -> checkToken(lab, authorization));
    }

    /** Whether this instance runs the lab itself (always, for one instance alone). */
    public boolean runsHere(String id) {
        Lab lab = labs.get(id);
        return !cluster.enabled() || (lab != null && !lab.following());
    }

    /**
     * Cluster mode: the instance a change to the lab must go to, or empty when it is this one (it
     * runs the lab, took it over because nobody did, or there is no such lab: the handler says 404).
     */
    public Mono<LabCluster.Instance> route(String id) {
        return Mono.fromCallable(() -> {
                    Optional<LabCluster.Instance> owner = cluster.owner(id);
                    if (owner.isPresent() && !owner.get().equals(cluster.self())) return owner;
                    try {
                        load(id);
                    } catch (LabProblem missing) {
                        // The handler answers for it.
                    }
                    return Optional.<LabCluster.Instance>empty();
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(Mono::justOrEmpty);
    }

    /**
     * Cluster mode, blocking: the lab as this instance has it, caught up with the journal; loaded
     * from the store on first use. When nobody holds its lease (its instance died or stopped), this
     * instance takes it and runs the lab from here.
     */
    Lab load(String id) {
        Lab lab = labs.get(id);
        if (lab == null) return loadOnce(id);
        if (lab.following()) {
            lab.catchUp(marks);
            if (cluster.owner(id).isEmpty()) takeOver(lab);
        }
        return lab;
    }

    /** Loads the lab from the store, or waits for the load another request started. */
    private Lab loadOnce(String id) {
        java.util.concurrent.CompletableFuture<Lab> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Lab> running = loading.putIfAbsent(id, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            Lab lab = labs.get(id);
            if (lab == null) lab = loadFromStore(id);
            mine.complete(lab);
            return lab;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(id, mine);
        }
    }

    private Lab loadFromStore(String id) {
        // Lease first, then the journal: nobody can append after what this instance reads.
        boolean leading = cluster.lead(id);
        LabStore.StoredLab stored = store.load(id).orElseThrow(() -> notFound(id));
        Lab loaded = rebuild(stored);
        if (!leading) loaded.follow();
        labs.put(id, loaded);
        metrics.labCreated();
        log.info(
                "lab {} loaded from the cluster's store ({} journal entries), {}",
                id,
                stored.entries().size(),
                leading ? "run here" : "following its instance");
        return loaded;
    }

    /** Takes over a lab this instance follows, if its lease is still free: whether it runs it now. */
    private boolean takeOver(Lab lab) {
        if (!cluster.lead(lab.id())) return false;
        lab.catchUp(marks);
        lab.lead();
        log.info("lab {} taken over: its instance stopped renewing its lease", lab.id());
        return true;
    }

    /** The lab, if {@code authorization} carries its token: 401 without one, 403 with another. */
    public Lab authorized(String id, String authorization) {
        return checkToken(get(id), authorization);
    }

    private Lab checkToken(Lab lab, String authorization) {
        String id = lab.id();
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

    /** Removes the lab for good, from the store too (call off the event loops: the store blocks). */
    public void delete(Lab lab) {
        if (remove(lab, false)) {
            log.info("lab {} deleted, created by {} ({} live)", lab.id(), lab.client(), labs.size());
        }
    }

    /**
     * The server is about to stop: labs that cannot be replayed end now with a note saying so, while
     * their viewers are still there to read it.
     */
    public void announceRestart() {
        for (Lab lab : labs.values()) {
            if (!lab.replayable()) {
                lab.stopWith("the server is restarting: a " + lab.mode() + " lab runs against the Linux kernel,"
                        + " whose side cannot be replayed, so it ends here; create a new lab");
            }
        }
    }

    /**
     * Takes the lab out of this server. With {@code restarting} it lives on in the store (its journal
     * is written first); otherwise it is gone for good and deleted from the store too.
     */
    private boolean remove(Lab lab, boolean restarting) {
        if (!labs.remove(lab.id(), lab)) return false;
        if (!cluster.enabled()) slots.decrementAndGet();
        metrics.labRemoved();
        lab.shutdown(restarting);
        if (!restarting) {
            try {
                store.delete(lab.id());
            } catch (RuntimeException e) {
                log.error("lab {} could not be deleted from the store", lab.id(), e);
            }
        }
        return true;
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
                log.warn("realtime tick failed for lab {}", lab.id(), e);
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
            if (now - lab.lastTouchedNanos() <= idle) continue;
            if (cluster.enabled() && lab.following()) {
                // Nobody here looks at it: this instance forgets its copy; the lab lives on.
                remove(lab, true);
                continue;
            }
            if (cluster.enabled() && seenElsewhere(lab)) {
                lab.touch();
                continue;
            }
            if (remove(lab, false)) {
                log.info(
                        "lab {} removed idle after {} (tcplab.idle-timeout), created by {} ({} live)",
                        lab.id(),
                        props.getIdleTimeout(),
                        lab.client(),
                        labs.size());
                removed++;
            }
        }
        long nowMs = clock.millis();
        synchronized (creations) {
            // Under acquireCreation's lock, so a window is never dropped between its lookup and its use.
            creations.values().removeIf(w -> w.expired(nowMs));
        }
        return removed;
    }

    private boolean seenElsewhere(Lab lab) {
        try {
            return cluster.seenElsewhere(lab.id());
        } catch (RuntimeException e) {
            return true; // the store does not answer: keep the lab rather than delete it blind
        }
    }

    /**
     * Cluster mode, every third of the lease time: renews the leases of the labs this instance runs
     * (one it lost stops here: another instance runs it now), and for each lab it follows, forgets
     * it when it was deleted elsewhere, tells the cluster while viewers here watch it, and takes it
     * over when its lease is free.
     */
    void clusterRound() {
        try {
            List<String> run = new ArrayList<>();
            for (Lab lab : labs.values()) {
                if (!lab.following() && lab.stored()) run.add(lab.id());
            }
            for (String lost : cluster.renew(run)) {
                Lab lab = labs.get(lost);
                if (lab == null) continue;
                log.warn(
                        "lab {}: this instance lost its lease (a pause longer than tcplab.cluster.lease-time?);"
                                + " it follows the instance that runs it now",
                        lost);
                lab.follow();
            }
            for (Lab lab : labs.values()) {
                if (!lab.following()) continue;
                if (!cluster.exists(lab.id())) {
                    if (labs.remove(lab.id(), lab)) {
                        metrics.labRemoved();
                        lab.shutdown(false);
                        log.info("lab {} was deleted on another instance", lab.id());
                    }
                } else if (lab.viewers() > 0 || wallNanos.getAsLong() - lab.lastTouchedNanos() < roundNanos * 2) {
                    // Watched or asked about here: the instance running it must not remove it as idle.
                    cluster.seen(lab.id(), props.getIdleTimeout());
                }
                if (lab.following() && cluster.owner(lab.id()).isEmpty()) takeOver(lab);
            }
        } catch (RuntimeException e) {
            log.warn("cluster round failed (Redis?); next round in a moment", e);
        }
    }

    /**
     * Cluster mode: waits on the journals of the labs this instance follows and catches each up as
     * its instance appends, so viewers here see events as they happen there.
     */
    private void followJournals() {
        // Where each journal was seen to stand: the next wait starts there, not at what a copy has
        // applied so far, so entries not yet applied do not wake the tail again and again.
        Map<String, Long> seen = new java.util.HashMap<>();
        while (running) {
            try {
                Map<String, Long> from = new java.util.HashMap<>();
                for (Lab lab : labs.values()) {
                    if (lab.following()) from.put(lab.id(), Math.max(lab.applied(), seen.getOrDefault(lab.id(), 0L)));
                }
                seen.keySet().retainAll(from.keySet());
                if (from.isEmpty()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                    continue;
                }
                cluster.follow(from, Duration.ofMillis(500)).forEach((id, last) -> {
                    seen.put(id, last);
                    Lab lab = labs.get(id);
                    if (lab != null) lab.catchUpSoon(marks);
                });
            } catch (RuntimeException e) {
                if (!running) return;
                log.warn("journal tail failed (Redis?); retrying", e);
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        ticker.dispose();
        sweeper.dispose();
        if (clusterRounds != null) clusterRounds.dispose();
        clockScheduler.dispose();
        // Not deleted: each lab writes what its journal still lacks and lives on in the store.
        for (Lab lab : all()) {
            boolean ran = !lab.following();
            remove(lab, true);
            if (ran && cluster.enabled()) {
                try {
                    // Another instance may take it over at once rather than after the lease time.
                    cluster.resign(lab.id());
                } catch (RuntimeException e) {
                    log.warn("lab {}: lease not given up; it lapses by itself", lab.id(), e);
                }
            }
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
