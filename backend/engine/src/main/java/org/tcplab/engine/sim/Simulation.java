package org.tcplab.engine.sim;

import java.util.List;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.stack.TcpHost;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpSegment;

/**
 * A simulated lab: two {@link TcpHost}s (client 192.0.2.1, server 192.0.2.2) joined by a link
 * with faults, driven by a discrete-event scheduler on a virtual clock. Deterministic: all
 * randomness comes from the seed, ties break by insertion order, nothing reads the wall clock.
 * Single-threaded; the owner serialises calls.
 *
 * <p>User actions happen at the current virtual time and do not advance it; time moves only
 * through {@link #runUntilIdle}, {@link #runUntil} and {@link #step}.
 */
public final class Simulation {

    public Simulation(SimConfig config, EventSink events) {
        throw new UnsupportedOperationException("TODO: implement (sim helper)");
    }

    public long nowUs() { throw new UnsupportedOperationException("TODO"); }

    public TcpHost host(HostName name) { throw new UnsupportedOperationException("TODO"); }

    public void listen(HostName host, int port) { throw new UnsupportedOperationException("TODO"); }

    /**
     * Opens a connection from {@code from}:{@code localPort} to the other host's {@code remotePort}
     * and returns its lab connection id ("1", "2", ...). {@code isn} and {@code peerIsn} fix the two
     * ISNs (null: from the seed). With {@code simultaneous}, the other host opens actively at the
     * same instant from {@code remotePort} to {@code localPort} (RFC 9293 figure 7).
     */
    public String connect(HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn,
            boolean simultaneous) {
        throw new UnsupportedOperationException("TODO");
    }

    public void send(String connection, HostName side, byte[] data) { throw new UnsupportedOperationException("TODO"); }

    public void close(String connection, HostName side) { throw new UnsupportedOperationException("TODO"); }

    public void abort(String connection, HostName side) { throw new UnsupportedOperationException("TODO"); }

    public void setReading(String connection, HostName side, boolean reading) { throw new UnsupportedOperationException("TODO"); }

    public void crash(HostName host) { throw new UnsupportedOperationException("TODO"); }

    /** A crafted segment enters the link after {@code delayUs} as if {@code from} sent it; returns its segment id. */
    public long inject(HostName from, TcpSegment segment, long delayUs) { throw new UnsupportedOperationException("TODO"); }

    /**
     * Runs {@code action} at virtual time {@code atUs} (not before now), in order with everything else
     * due then. Scenarios are compiled into such actions, so every clock mode plays them the same.
     */
    public void schedule(long atUs, Runnable action) { throw new UnsupportedOperationException("TODO"); }

    /** Adds a rule (its id is assigned here) and returns it. */
    public FaultRule addFault(FaultRule rule) { throw new UnsupportedOperationException("TODO"); }

    public boolean removeFault(int id) { throw new UnsupportedOperationException("TODO"); }

    public List<FaultRule> faults() { throw new UnsupportedOperationException("TODO"); }

    public LinkConfig link() { throw new UnsupportedOperationException("TODO"); }

    /** Applies to packets sent from now on. */
    public void setLink(LinkConfig link) { throw new UnsupportedOperationException("TODO"); }

    /** Runs until nothing is pending (timers included). Returns false if {@code maxSteps} ran out first. */
    public boolean runUntilIdle(long maxSteps) { throw new UnsupportedOperationException("TODO"); }

    /** Runs everything due up to and including {@code timeUs}, then sets the clock to it. */
    public void runUntil(long timeUs) { throw new UnsupportedOperationException("TODO"); }

    /** Runs the next pending occurrence (a delivery or a timer); false if nothing is pending. */
    public boolean step() { throw new UnsupportedOperationException("TODO"); }

    /** The time of the next pending occurrence, or Long.MAX_VALUE. */
    public long nextEventUs() { throw new UnsupportedOperationException("TODO"); }
}
