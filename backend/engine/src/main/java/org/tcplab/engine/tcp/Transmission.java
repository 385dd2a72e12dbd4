package org.tcplab.engine.tcp;

/** Why a segment leaves: the first time, again (RFC 6298, RFC 5681), or as a zero-window probe (RFC 9293 §3.8.6.1). */
enum Transmission {
    FIRST,
    RETRANSMISSION,
    PROBE
}
