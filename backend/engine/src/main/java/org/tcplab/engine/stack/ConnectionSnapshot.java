package org.tcplab.engine.stack;

import org.tcplab.engine.tcp.TcpState;

/**
 * A copy of one TCB's variables for display (RFC 9293 §3.3.1 names; sequence numbers unsigned).
 * Like gVisor's probe: read-only, taken between events.
 */
public record ConnectionSnapshot(
        String connection,
        ConnectionKey key,
        TcpState state,
        long iss,
        long irs,
        long sndUna,
        long sndNxt,
        long sndWnd,
        long rcvNxt,
        long rcvWnd,
        long cwnd,
        long ssthresh,
        long srttUs,
        long rtoUs,
        int effectiveMss,
        int sndWindowShift,
        int rcvWindowShift,
        boolean sackOk,
        boolean timestampsOk,
        long bytesSent,
        long bytesReceived,
        boolean reading) {}
