package org.tcplab.tap;

import java.util.List;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpSegment;

/**
 * A lab with the Linux kernel on at least one side, as the server's lab code drives it: the same
 * user operations as the simulator, events into an {@link EventSink} from one thread of the lab's,
 * {@link #close()} removes every namespace and device. {@code linuxSide} {@code server} or
 * {@code client} is a {@link TapLab} (our stack on a tap facing Linux); {@code both} is a
 * {@link LinuxPairLab} (two Linux sockets over a veth pair, watched by a capture).
 */
public interface KernelLab extends AutoCloseable {

    /** Starts the lab {@code config.linuxSide()} asks for; check {@link TapSupport#check()} first. */
    static KernelLab start(TapLabConfig config, EventSink events) {
        return "both".equals(config.linuxSide()) ? LinuxPairLab.start(config, events) : TapLab.start(config, events);
    }

    TapLabConfig config();

    /** The IPv4 address of a host of the lab. */
    Ipv4Address address(HostName host);

    /** Microseconds since the lab started (the events' clock). */
    long nowUs();

    TapLab.TapInfo info();

    List<Integer> listeners(HostName host);

    TcpState state(String connection, HostName side);

    /** Every byte the application on {@code side} has read on this connection. */
    byte[] received(String connection, HostName side);

    /** Our stack's connections (the TCB variables), empty when both hosts are Linux. */
    List<ConnectionSnapshot> ourConnections();

    void listen(HostName side, int port);

    String connect(HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn);

    void send(String connection, HostName side, byte[] data);

    void close(String connection, HostName side);

    void abort(String connection, HostName side);

    void setReading(String connection, HostName side, boolean reading);

    void crash(HostName side);

    /**
     * A crafted segment enters the wire after {@code delayUs} as if {@code from} sent it (logged as
     * {@code segment.sent} with note {@code crafted}); returns its segment id.
     */
    long inject(HostName from, TcpSegment segment, long delayUs);

    /** Runs {@code action} on the lab's thread at lab time {@code atUs} (now if already past). */
    void schedule(long atUs, Runnable action);

    FaultRule addFault(FaultRule rule);

    boolean removeFault(int id);

    List<FaultRule> faults();

    /** Stops the lab and removes its namespaces (and so its devices and sockets). */
    @Override
    void close();
}
