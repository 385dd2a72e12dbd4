package org.tcplab.engine.tcp;

/** The eleven states of RFC 9293 §3.3.2, spelled as the event schema spells them. */
public enum TcpState {
    CLOSED,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    /** The name Linux uses in /proc/net/tcp and ss (e.g. SYN_RECV, FIN_WAIT1), shown on hover. */
    public String linuxName() {
        return switch (this) {
            case CLOSED -> "CLOSE";
            case LISTEN -> "LISTEN";
            case SYN_SENT -> "SYN_SENT";
            case SYN_RECEIVED -> "SYN_RECV";
            case ESTABLISHED -> "ESTABLISHED";
            case FIN_WAIT_1 -> "FIN_WAIT1";
            case FIN_WAIT_2 -> "FIN_WAIT2";
            case CLOSE_WAIT -> "CLOSE_WAIT";
            case CLOSING -> "CLOSING";
            case LAST_ACK -> "LAST_ACK";
            case TIME_WAIT -> "TIME_WAIT";
        };
    }

    /** States in which the connection is synchronized (RFC 9293 §3.5.2). */
    public boolean synchronizedState() {
        return switch (this) {
            case CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED -> false;
            default -> true;
        };
    }
}
