package org.tcplab.engine.tcp;

import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.wire.TcpSegment;

/** What a {@link Tcb} needs from the host that holds it: the wire, the clock queue and the app. */
public interface TcbOwner {

    HostName hostName();

    EventSink events();

    /** Queues a segment for the wire, in order; a probe is never also a retransmission. */
    void transmit(Tcb tcb, TcpSegment segment, boolean retransmission, boolean probe);

    /** A timer of this TCB now has this deadline; the host must poll no later. */
    void timerArmed(Tcb tcb, TimerKind kind, long deadlineUs);

    /** The TCB is gone: it reached CLOSED, or a passive one went back to LISTEN (RFC 9293 §3.10.7.4). */
    void deleted(Tcb tcb);

    /**
     * Whether the host may send one more RFC 5961 challenge ACK at {@code nowUs} under its
     * per-second limit ({@link TcpConfig#challengeAckLimit()}); counts it if so.
     */
    boolean challengeAckAllowed(long nowUs);

    /** Bytes handed to the application; returns the total delivered on this connection so far. */
    long delivered(Tcb tcb, byte[] data, int off, int len);
}
