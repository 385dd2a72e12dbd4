package org.tcplab.engine.stack;

import java.util.List;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;

/**
 * One host's TCP: its listeners and connections, sans I/O (smoltcp's model). Nothing here reads a
 * clock, starts a thread or touches a socket: every call takes "now", inbound packets come in
 * through {@link #receive}, and everything to transmit comes out of {@link #poll}. Single-threaded:
 * the driver (simulator or TAP) serialises calls.
 *
 * <p>Driving it: after any call, call {@code poll(now)} and send what it returns; call {@code poll}
 * again no later than {@link #pollAt()}.
 */
public final class TcpHost {

    public TcpHost(HostName name, Ipv4Address address, TcpConfig config, IsnSource isnSource,
            ConnectionNamer namer, EventSink events) {
        throw new UnsupportedOperationException("TODO: implement (tcp helper)");
    }

    public HostName name() { throw new UnsupportedOperationException("TODO"); }

    public Ipv4Address address() { throw new UnsupportedOperationException("TODO"); }

    public TcpConfig config() { throw new UnsupportedOperationException("TODO"); }

    /** Passive OPEN (RFC 9293 §3.10.1). Throws TcpUserException if the port already listens. */
    public void listen(long nowUs, int port, int backlog) { throw new UnsupportedOperationException("TODO"); }

    /** Stops listening; connections already accepted live on. */
    public void unlisten(long nowUs, int port) { throw new UnsupportedOperationException("TODO"); }

    /**
     * Active OPEN (RFC 9293 §3.10.1): sends a SYN. {@code isn} fixes our ISN (null: the IsnSource's).
     * Throws TcpUserException("connection already exists") if the 4-tuple is in use.
     */
    public ConnectionKey open(long nowUs, int localPort, Ipv4Address remoteIp, int remotePort, SeqNum isn) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The ISN this host uses for the next connection on {@code key} (active or passive), once. */
    public void pinIsn(ConnectionKey key, SeqNum isn) { throw new UnsupportedOperationException("TODO"); }

    /** SEND (RFC 9293 §3.10.2). */
    public void send(long nowUs, ConnectionKey key, byte[] data) { throw new UnsupportedOperationException("TODO"); }

    /** CLOSE (RFC 9293 §3.10.4). */
    public void close(long nowUs, ConnectionKey key) { throw new UnsupportedOperationException("TODO"); }

    /** ABORT (RFC 9293 §3.10.5): RST where the state calls for one; the TCB is deleted. */
    public void abort(long nowUs, ConnectionKey key) { throw new UnsupportedOperationException("TODO"); }

    /**
     * Whether the application reads what arrives. Reading (the default) frees the receive buffer at
     * once; not reading lets it fill so the window closes (persist-timer demonstrations).
     */
    public void setReading(long nowUs, ConnectionKey key, boolean reading) { throw new UnsupportedOperationException("TODO"); }

    /** Every byte the application has read on this connection so far (for tests and the lab UI). */
    public byte[] received(ConnectionKey key) { throw new UnsupportedOperationException("TODO"); }

    /** Loses every TCB and listener silently (a reboot): sends nothing, emits no state events. */
    public void crash() { throw new UnsupportedOperationException("TODO"); }

    /** SEGMENT ARRIVES (RFC 9293 §3.10.7): parses at the edge, drops with an event on failure. */
    public void receive(long nowUs, Frame frame) { throw new UnsupportedOperationException("TODO"); }

    /** Fires due timers and returns what is to be transmitted now, in order. */
    public List<Outbound> poll(long nowUs) { throw new UnsupportedOperationException("TODO"); }

    /** The earliest time {@link #poll} has work, or Long.MAX_VALUE if none. */
    public long pollAt() { throw new UnsupportedOperationException("TODO"); }

    public List<Integer> listeners() { throw new UnsupportedOperationException("TODO"); }

    public List<ConnectionSnapshot> connections() { throw new UnsupportedOperationException("TODO"); }
}
