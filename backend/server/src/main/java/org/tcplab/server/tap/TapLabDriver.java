package org.tcplab.server.tap;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.server.lab.LabDriver;
import org.tcplab.server.system.LabProblem;
import org.tcplab.tap.KernelLab;
import org.tcplab.tap.TapException;
import org.tcplab.tap.TapLab;

/**
 * A tap lab behind the server's {@link LabDriver} seam. The world here runs in real time on the
 * {@link KernelLab}'s own thread (the Linux kernel does not wait for anyone), so the virtual-time
 * methods are mapped onto the wall clock:
 * <ul>
 *   <li>{@link #nowUs()} is the kernel lab's clock (real microseconds since it started), which is
 *       also the time of its events.</li>
 *   <li>{@link #schedule} queues an action for a real time; {@link #runUntil} (the realtime clock's
 *       tick, every {@code tcplab.realtime-tick}, under the lab's lock like every other driver call)
 *       runs those due by then. Time cannot be moved ahead: nothing runs early. (Not
 *       {@code KernelLab.schedule}, which runs on the kernel lab's own thread: an action that waits
 *       for that thread, e.g. a Linux-side send waiting for the kernel's accept, would stall it.)</li>
 *   <li>{@link #runUntilIdle} runs what is due, then waits (bounded: {@link #SETTLE_MAX_NANOS}) until
 *       no event arrived for {@link #QUIET_NANOS}, so a caller that wants "every consequence" sees the
 *       kernel's prompt answers; the kernel's own timers (seconds) are not waited for.</li>
 *   <li>{@link #step} runs the next scheduled action only if its time has come;
 *       {@link #nextEventUs} is that action's time (the kernel's timers are invisible from here).</li>
 * </ul>
 * Labs refuse the {@code instant} and {@code step} clocks for tap ({@link #realTimeOnly()}).
 *
 * <p>Events: the kernel lab emits from its thread into the lab's sink, which serialises appends on
 * the log's own lock (not the lab's lock, which a request may hold while it waits for that thread).
 */
final class TapLabDriver implements LabDriver {

    /** "No new event for this long" counts as settled. */
    static final long QUIET_NANOS = 60_000_000L;
    /** The longest {@link #runUntilIdle} waits for the kernel to settle. */
    static final long SETTLE_MAX_NANOS = 600_000_000L;

    private static final Pattern FIELD = Pattern.compile("^([a-zA-Z][a-zA-Z0-9]*): ");

    private final KernelLab lab;
    private final Settle settle;
    private final String linuxSide;
    /** Our stack's host; null when both hosts are Linux. */
    private final HostName ours;

    private final PriorityQueue<Scheduled> scheduled = new PriorityQueue<>();
    private long scheduledSeq;

    private record Scheduled(long atUs, long seq, Runnable action) implements Comparable<Scheduled> {
        public int compareTo(Scheduled o) {
            return atUs != o.atUs ? Long.compare(atUs, o.atUs) : Long.compare(seq, o.seq);
        }
    }

    /** Watches the kernel lab's events on their way to the log: when the last came, which connections exist. */
    static final class Settle {
        private volatile long lastEventNanos = System.nanoTime();
        private final Set<String> connections = new ConcurrentSkipListSet<>();

        private EventSink wrapped = e -> {};

        EventSink wrapped() {
            return wrapped;
        }

        EventSink wrap(EventSink events) {
            wrapped = e -> {
                if (e.connection() != null) {
                    connections.add(e.connection());
                }
                events.emit(e);
                lastEventNanos = System.nanoTime();
            };
            return wrapped;
        }
    }

    TapLabDriver(KernelLab lab, Settle settle) {
        this.lab = lab;
        this.settle = settle;
        this.linuxSide = lab.config().linuxSide();
        this.ours = switch (linuxSide) {
            case "server" -> HostName.CLIENT;
            case "client" -> HostName.SERVER;
            default -> null;
        };
    }

    KernelLab kernelLab() {
        return lab;
    }

    @Override
    public boolean realTimeOnly() {
        return true;
    }

    @Override
    public long nowUs() {
        return lab.nowUs();
    }

    @Override
    public Ipv4Address address(HostName host) {
        return lab.address(host);
    }

    @Override
    public List<Integer> listeners(HostName host) {
        return guard(() -> lab.listeners(host));
    }

    @Override
    public List<ConnectionSnapshot> connections(HostName host) {
        if (host != ours) {
            return List.of();
        }
        return guard(lab::ourConnections);
    }

    @Override
    public List<ObservedSide> observed(HostName host) {
        if (host == ours) {
            return List.of();
        }
        List<ConnectionSnapshot> mine = ours == null ? List.of() : guard(lab::ourConnections);
        List<ObservedSide> out = new ArrayList<>();
        for (String c : settle.connections) {
            TcpState state = guard(() -> lab.state(c, host));
            if (state == TcpState.CLOSED) {
                continue;
            }
            Integer local = null;
            Integer remote = null;
            for (ConnectionSnapshot s : mine) {
                if (c.equals(s.connection())) {
                    local = s.key().remotePort();
                    remote = s.key().localPort();
                }
            }
            out.add(new ObservedSide(c, state.name(), local, remote, TapLab.OBSERVED));
        }
        return out;
    }

    @Override
    public void listen(HostName host, int port) {
        guard(() -> {
            lab.listen(host, port);
            return null;
        });
    }

    @Override
    public String connect(
            HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn, boolean simultaneous) {
        if (simultaneous) {
            throw LabProblem.badInput(
                    "simultaneous",
                    "a tap lab cannot open both ends at once: the Linux kernel"
                            + " opens its own connections (connect from each side instead)");
        }
        String id = guard(() -> lab.connect(from, localPort, remotePort, isn, peerIsn));
        settle.connections.add(id);
        return id;
    }

    /** Ids handed out by connect or seen in the kernel lab's events (Linux-opened ones too). */
    @Override
    public boolean knowsConnection(String connection) {
        return settle.connections.contains(connection);
    }

    @Override
    public void send(String connection, HostName side, byte[] data) {
        guard(() -> {
            lab.send(connection, side, data);
            return null;
        });
    }

    @Override
    public void close(String connection, HostName side) {
        guard(() -> {
            lab.close(connection, side);
            return null;
        });
    }

    @Override
    public void abort(String connection, HostName side) {
        guard(() -> {
            lab.abort(connection, side);
            return null;
        });
    }

    @Override
    public void crash(HostName host) {
        guard(() -> {
            lab.crash(host);
            return null;
        });
    }

    /** A crafted segment on the real wire (faults apply); {@code delayUs} is real time. */
    @Override
    public long inject(HostName from, TcpSegment segment, long delayUs) {
        return guard(() -> lab.inject(from, segment, delayUs));
    }

    @Override
    public FaultRule addFault(FaultRule rule) {
        return guard(() -> lab.addFault(rule));
    }

    @Override
    public boolean removeFault(int id) {
        return guard(() -> lab.removeFault(id));
    }

    @Override
    public List<FaultRule> faults() {
        return guard(lab::faults);
    }

    /** A real wire inside one machine: no added latency, jitter or bandwidth limit; Ethernet's MTU. */
    @Override
    public LinkConfig link() {
        return new LinkConfig(0, 0, 0, 1500, 0);
    }

    @Override
    public void schedule(long atUs, Runnable action) {
        scheduled.add(new Scheduled(atUs, scheduledSeq++, action));
    }

    @Override
    public boolean runUntilIdle(long maxSteps) {
        long steps = 0;
        while (steps < maxSteps && step()) {
            steps++;
        }
        long start = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (now - settle.lastEventNanos >= QUIET_NANOS || now - start >= SETTLE_MAX_NANOS) {
                return steps < maxSteps;
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    @Override
    public void runUntil(long timeUs) {
        long limit = Math.min(timeUs, lab.nowUs());
        while (!scheduled.isEmpty() && scheduled.peek().atUs() <= limit) {
            runOne(scheduled.poll());
        }
    }

    @Override
    public boolean step() {
        Scheduled next = scheduled.peek();
        if (next == null || next.atUs() > lab.nowUs()) {
            return false;
        }
        runOne(scheduled.poll());
        return true;
    }

    private void runOne(Scheduled s) {
        try {
            s.action().run();
        } catch (RuntimeException e) {
            // A scheduled step refused by the kernel or our stack is a lab event, not a dead clock.
            settle.wrapped().emit(new LabEvent.Note(lab.nowUs(), null, "scheduled action failed: " + e.getMessage()));
        }
    }

    @Override
    public long nextEventUs() {
        Scheduled next = scheduled.peek();
        return next == null ? Long.MAX_VALUE : next.atUs();
    }

    @Override
    public Object tapInfo() {
        return lab.info();
    }

    @Override
    public void shutdown() {
        lab.close();
    }

    /**
     * Maps the kernel lab's refusals onto the server's: {@code TcpUserException} passes (409), bad
     * arguments become 400 naming the field their message starts with, a stopped lab 409.
     */
    private <T> T guard(Supplier<T> op) {
        try {
            return op.get();
        } catch (IllegalArgumentException e) {
            Matcher m = FIELD.matcher(String.valueOf(e.getMessage()));
            throw LabProblem.badInput(m.find() ? m.group(1) : null, e.getMessage());
        } catch (IllegalStateException | TapException e) {
            throw LabProblem.conflict("the tap lab cannot do this now: " + e.getMessage());
        }
    }
}
