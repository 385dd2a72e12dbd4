package org.tcplab.engine.tcp;

/** The connection's timers, as named deadlines (style principle 8). */
public enum TimerKind {
    RETRANSMISSION("retransmission"),
    TIME_WAIT("time-wait"),
    PERSIST("persist"),
    DELAYED_ACK("delayed-ack"),
    KEEPALIVE("keepalive"),
    /** RFC 9293 §3.8.6.2.1 (4): forces out data that sender silly window avoidance holds back. */
    SWS_OVERRIDE("sws-override");

    private final String id;

    TimerKind(String id) {
        this.id = id;
    }

    /** The schema spelling. */
    public String id() {
        return id;
    }
}
