package org.tcplab.server.lab;

import java.util.List;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpSegment;

/**
 * What a lab runs on: the seam between the REST/WebSocket layer and a TCP world. {@link SimLabDriver}
 * wraps the engine's Simulation; a TAP-backed driver (our stack against the Linux kernel) plugs in
 * through its own {@link LabDriverFactory} with mode {@code tap}.
 *
 * <p>Like the engine, a driver is single-threaded: the {@link Lab} holding it serialises every call.
 * A driver may emit events from a thread of its own (tap: the kernel lab's); the lab's sink
 * serialises appends on the log's lock, never the lab's, since a call may be waiting for that thread.
 * Times are microseconds of lab time. User calls throw {@code TcpUserException} when the state forbids
 * them and {@code IllegalArgumentException} for bad input.
 */
public interface LabDriver {

    long nowUs();

    Ipv4Address address(HostName host);

    List<Integer> listeners(HostName host);

    List<ConnectionSnapshot> connections(HostName host);

    void listen(HostName host, int port);

    String connect(HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn, boolean simultaneous);

    void send(String connection, HostName side, byte[] data);

    void close(String connection, HostName side);

    void abort(String connection, HostName side);

    void crash(HostName host);

    long inject(HostName from, TcpSegment segment, long delayUs);

    FaultRule addFault(FaultRule rule);

    boolean removeFault(int id);

    List<FaultRule> faults();

    LinkConfig link();

    void schedule(long atUs, Runnable action);

    /** Runs until nothing is pending; false if {@code maxSteps} ran out first. */
    boolean runUntilIdle(long maxSteps);

    /** Runs everything due up to {@code timeUs}, then sets the clock to it. */
    void runUntil(long timeUs);

    /** Runs the next pending occurrence; false if nothing is pending. */
    boolean step();

    /** The next pending occurrence's time, or Long.MAX_VALUE. */
    long nextEventUs();

    /**
     * True for drivers whose world runs on the wall clock (tap: the Linux kernel), which a lab cannot
     * pause, step or scale: such labs only take the {@code realtime} clock at scale 1.
     */
    default boolean realTimeOnly() {
        return false;
    }

    /**
     * Sides of connections the driver knows only from outside (the Linux kernel's, observed in
     * {@code /proc/net/tcp} or by sock_diag): no TCB variables, just the state and the ports.
     */
    default List<ObservedSide> observed(HostName host) {
        return List.of();
    }

    /** A connection side seen from outside; {@code source} says where the state was read. */
    record ObservedSide(String connection, String state, Integer localPort, Integer remotePort, String source) {}

    /**
     * Changes the link for packets sent from now on. Only a simulated link can change: a TAP lab's
     * link is a real device, so the default refuses (409).
     */
    default void setLink(LinkConfig link) {
        throw new org.tcplab.engine.tcp.TcpUserException("this lab's link is a real device; its latency cannot be set");
    }

    /**
     * Whether {@code connection} is an id this lab ever gave out. A connection that existed and has
     * closed is still known (acting on it is a 409 from the stack); an id never given out is a 404.
     */
    default boolean knowsConnection(String connection) {
        return true;
    }

    /** Releases what the driver holds (devices, namespaces); the sim driver holds nothing. */
    default void shutdown() {}

    /** The TAP details for the snapshot ({@code tap}), null for sim labs. */
    default Object tapInfo() {
        return null;
    }

    /** A lab nothing may change (a capture's conversation): every change answers 409. */
    default boolean readOnly() {
        return false;
    }

    /** The host's address as the snapshot shows it (a capture's may be IPv6). */
    default String hostIp(HostName host) {
        return address(host).toString();
    }

    /** The capture details for the snapshot ({@code capture}), null for labs not made from a capture. */
    default Object captureInfo() {
        return null;
    }
}
