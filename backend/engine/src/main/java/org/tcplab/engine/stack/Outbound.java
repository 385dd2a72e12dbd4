package org.tcplab.engine.stack;

import org.tcplab.engine.wire.TcpDatagram;

/**
 * A segment a host wants on the wire now.
 *
 * @param connection the lab connection id (from the {@link ConnectionNamer}), or null (e.g. an RST to a closed port may still have one)
 * @param retransmission true when this re-sends sequence space already sent (RFC 6298 timeout or fast retransmit)
 * @param probe true for a zero-window probe (RFC 9293 §3.8.6.1): never also a retransmission
 */
public record Outbound(TcpDatagram datagram, String connection, boolean retransmission, boolean probe) {

    /** A segment that is not a probe. */
    public Outbound(TcpDatagram datagram, String connection, boolean retransmission) {
        this(datagram, connection, retransmission, false);
    }
}
