package org.tcplab.server.stream;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.system.LabMetrics;
import org.tcplab.server.system.TcpLabProperties;
import org.tcplab.server.system.WallClock;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Every open viewer on this server: the caps ({@code tcplab.max-viewers-per-lab},
 * {@code tcplab.max-viewers}) and the pings. Each viewer is pinged every
 * {@code tcplab.viewer-ping-interval} (a proxy's idle timeout never drops a quiet lab's class), and
 * one that has answered nothing for two intervals is closed: a viewer that stopped reading cannot
 * answer, so it neither holds a socket nor keeps its lab from idle removal (answers touch the lab).
 * The sweep reads the injected {@link WallClock}, so tests move time by hand and call {@link #sweep}.
 */
@Component
public class Viewers {

    /** Closed for not answering pings (the viewer is gone or stalled; a live one reconnects). */
    static final CloseStatus NOT_ANSWERING =
            new CloseStatus(4009, "not answering pings; reconnect with after=<last id>");

    /** The server stops (labs live on in the store): the viewer comes back with its last id. */
    public static final CloseStatus RESTARTING = new CloseStatus(1001, "server restarting; reconnect");

    private volatile boolean closing;

    private final TcpLabProperties props;
    private final LabMetrics metrics;
    private final WallClock clock;
    private final Set<Entry> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final Disposable sweeper;

    Viewers(TcpLabProperties props, LabMetrics metrics, WallClock clock) {
        this.props = props;
        this.metrics = metrics;
        this.clock = clock;
        long every = Math.max(100, props.getViewerPingInterval().toMillis() / 4);
        this.sweeper = Flux.interval(Duration.ofMillis(every), Schedulers.parallel())
                .onBackpressureDrop()
                .subscribe(i -> sweep());
    }

    /** One open viewer, as the sweep sees it. */
    final class Entry {
        private final Lab lab;
        private final StreamViewer viewer;
        private final java.util.function.Consumer<CloseStatus> close;
        private volatile long lastHeardNanos;
        private volatile long lastPingNanos;
        /** Set once the viewer was counted out (by {@link #closed}, or by the sweep that closed it). */
        private final java.util.concurrent.atomic.AtomicBoolean countedOut =
                new java.util.concurrent.atomic.AtomicBoolean();

        private Entry(Lab lab, StreamViewer viewer, java.util.function.Consumer<CloseStatus> close) {
            this.lab = lab;
            this.viewer = viewer;
            this.close = close;
            this.lastHeardNanos = clock.nanos();
            this.lastPingNanos = lastHeardNanos;
        }

        /** The viewer answered (a pong, or any frame): it is reading, and so its lab is in use. */
        void heard() {
            // The lab first: whoever sees the new lastHeardNanos sees the lab touched too.
            lab.touch();
            lastHeardNanos = clock.nanos();
        }
    }

    /**
     * Counts a new viewer in, or says why not: the close status a browser shows (1013, try again
     * later), with the limit it hit. Counted only when admitted; {@link #closed} counts it out.
     */
    CloseStatus admit(Lab lab) {
        if (closing) {
            return RESTARTING;
        }
        if (count.incrementAndGet() > props.getMaxViewers()) {
            count.decrementAndGet();
            return new CloseStatus(
                    1013,
                    "too many viewers on this server (" + props.getMaxViewers() + ", tcplab.max-viewers); try later");
        }
        if (lab.viewerOpened() > props.getMaxViewersPerLab()) {
            lab.viewerClosed();
            count.decrementAndGet();
            return new CloseStatus(
                    1013,
                    "too many viewers on this lab (" + props.getMaxViewersPerLab()
                            + ", tcplab.max-viewers-per-lab); try later");
        }
        metrics.viewerOpened();
        return null;
    }

    /** Starts pinging an admitted viewer; {@code close} closes its socket with a status. */
    Entry watch(Lab lab, StreamViewer viewer, java.util.function.Consumer<CloseStatus> close) {
        Entry e = new Entry(lab, viewer, close);
        open.add(e);
        return e;
    }

    /** Counts an admitted viewer out (its socket closed, or the sweep gave up on it), once. */
    void closed(Lab lab, Entry entry) {
        if (entry != null) {
            open.remove(entry);
            if (!entry.countedOut.compareAndSet(false, true)) return;
        }
        lab.viewerClosed();
        count.decrementAndGet();
        metrics.viewerClosed();
    }

    /** Pings the viewers whose turn it is and closes those that answered nothing for two intervals. */
    public void sweep() {
        long now = clock.nanos();
        long interval = props.getViewerPingInterval().toNanos();
        for (Entry e : open) {
            if (now - e.lastHeardNanos >= 2 * interval) {
                // Counted out now: a peer that stopped reading may never finish the close handshake,
                // and its slot (per lab and per server) must not wait for that.
                closed(e.lab, e);
                e.close.accept(NOT_ANSWERING);
            } else if (now - e.lastPingNanos >= interval) {
                e.lastPingNanos = now;
                e.viewer.ping();
            }
        }
    }

    /** When any viewer of {@code lab} last answered (a pong or a frame), on the injected clock; 0 if none has. */
    public long lastHeardNanos(Lab lab) {
        long last = 0;
        for (Entry e : open) {
            if (e.lab == lab) last = Math.max(last, e.lastHeardNanos);
        }
        return last;
    }

    public int count() {
        return count.get();
    }

    /** Viewers being pinged (admitted ones join a moment after they are counted). */
    public int watched() {
        return open.size();
    }

    /**
     * Closes every viewer with {@code status} and admits no new one; answers once all of them are
     * gone or {@code grace} has passed (a viewer that never answers the close handshake is then cut
     * off with the server).
     */
    /** Admits viewers again after {@link #closeAll} (a stopped context started again). */
    void reopen() {
        closing = false;
    }

    public int closeAll(CloseStatus status, Duration grace) throws InterruptedException {
        closing = true;
        for (Entry e : open) {
            open.remove(e);
            e.close.accept(status);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        // The sockets close on their event loops; count() drops as each one's handler ends.
        while (count.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return count.get();
    }

    @PreDestroy
    void stop() {
        sweeper.dispose();
    }
}
