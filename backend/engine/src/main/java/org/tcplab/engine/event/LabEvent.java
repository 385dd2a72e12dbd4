package org.tcplab.engine.event;

import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TimerKind;
import org.tcplab.engine.wire.WireSegment;

/**
 * Everything observable in a lab, as immutable values (lab-api.md "Events"). The engine emits
 * these through an {@link EventSink}; the {@link EventLog} gives them their ids. Times are
 * microseconds of lab time (virtual in sim); the JSON layer shows milliseconds.
 *
 * <p>{@code connection} is the lab's connection id where one applies, else null.
 */
public sealed interface LabEvent {

    long timeUs();

    String connection();

    /** The schema's {@code type}. */
    String type();

    record SegmentSent(
            long timeUs,
            String connection,
            long segmentId,
            HostName from,
            HostName to,
            boolean retransmission,
            WireSegment segment,
            String note)
            implements LabEvent {
        public String type() {
            return "segment.sent";
        }
    }

    record SegmentDelivered(long timeUs, String connection, long segmentId, HostName to) implements LabEvent {
        public String type() {
            return "segment.delivered";
        }
    }

    /** @param reason {@code fault}, {@code checksum}, {@code no-listener}, {@code malformed}, ... then optional {@code : free text} */
    record SegmentDropped(long timeUs, String connection, long segmentId, HostName at, String reason)
            implements LabEvent {
        public String type() {
            return "segment.dropped";
        }
    }

    /**
     * @param inferred the state was worked out from outside, not reported by a stack: a capture's
     *     endpoints replayed into our state machine (lab-api.md "Captures")
     */
    record StateChanged(
            long timeUs, String connection, HostName host, TcpState from, TcpState to, String cause, boolean inferred)
            implements LabEvent {
        public StateChanged(long timeUs, String connection, HostName host, TcpState from, TcpState to, String cause) {
            this(timeUs, connection, host, from, to, cause, false);
        }

        public String type() {
            return "state";
        }
    }

    /** @param atUs the deadline for {@code armed}, the time itself otherwise */
    record TimerChanged(long timeUs, String connection, HostName host, TimerKind timer, TimerAction action, long atUs)
            implements LabEvent {
        public String type() {
            return "timer";
        }
    }

    /** @param bytes delivered to the application now; @param total delivered on this connection so far */
    record DataDelivered(long timeUs, String connection, HostName host, int bytes, long total) implements LabEvent {
        public String type() {
            return "data";
        }
    }

    /** @param error {@code refused}, {@code reset}, {@code timeout}, ... */
    record ErrorRaised(long timeUs, String connection, HostName host, String error, String detail) implements LabEvent {
        public String type() {
            return "error";
        }
    }

    record FaultApplied(long timeUs, String connection, int faultId, long segmentId, String action)
            implements LabEvent {
        public String type() {
            return "fault";
        }
    }

    /** Congestion window changes (RFC 5681 / 6582), in bytes. */
    record CongestionChanged(long timeUs, String connection, HostName host, long cwnd, long ssthresh, String cause)
            implements LabEvent {
        public String type() {
            return "congestion";
        }
    }

    /** Free-form narration or lab notices (e.g. "event limit reached"). */
    record Note(long timeUs, String connection, String text) implements LabEvent {
        public String type() {
            return "note";
        }
    }

    /**
     * A scenario's narration for one step, in both languages the lab speaks (the browser picks).
     *
     * @param step the scenario's step name (stable, for tests and the expected/actual view)
     */
    record Narration(long timeUs, String connection, String step, String en, String zh) implements LabEvent {
        public String type() {
            return "narration";
        }
    }

    enum TimerAction {
        ARMED,
        FIRED,
        CANCELLED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
