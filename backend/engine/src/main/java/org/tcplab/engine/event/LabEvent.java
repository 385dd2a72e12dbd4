package org.tcplab.engine.event;

import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TimerKind;
import org.tcplab.engine.wire.PacketFormat;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpHeaderFields;
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

    /**
     * A segment put on the wire, as its bytes: the event keeps the very array the link carries (no
     * copy, no hex, no flag names). The display view is made where it is shown ({@link #segment()}:
     * JSON, pcap, verdicts), never on the simulation's hot path.
     *
     * @param retransmission the segment re-sends sequence space already sent (RFC 6298 timeout, fast retransmit)
     * @param probe a zero-window probe (RFC 9293 §3.8.6.1), not a retransmission even when it repeats a byte
     * @param packet the IP packet (header, TCP header, payload) exactly as sent or captured; never modified
     * @param note why it exists when no stack sent it ({@code crafted}, {@code duplicate}), or what a
     *     capture left out of it ({@code snaplen: ...}), else null
     * @param format how {@code packet} is laid out: {@link PacketFormat#IPV4} for what a stack sent, a
     *     capture's own for captured packets (IPv6, cut by the snapshot length)
     */
    record SegmentSent(
            long timeUs,
            String connection,
            long segmentId,
            HostName from,
            HostName to,
            boolean retransmission,
            boolean probe,
            byte[] packet,
            String note,
            PacketFormat format)
            implements LabEvent {

        public SegmentSent {
            java.util.Objects.requireNonNull(format, "format");
        }

        /** A segment a stack sent: a whole IPv4 packet. */
        public SegmentSent(
                long timeUs,
                String connection,
                long segmentId,
                HostName from,
                HostName to,
                boolean retransmission,
                boolean probe,
                byte[] packet,
                String note) {
            this(timeUs, connection, segmentId, from, to, retransmission, probe, packet, note, PacketFormat.IPV4);
        }

        public String type() {
            return "segment.sent";
        }

        /** The display view (hex, flag names, options), built from the bytes on each call. */
        public WireSegment segment() {
            return format.describe(packet);
        }

        /** The header's numbers and typed flags, read from the bytes without decoding them. */
        public TcpHeaderFields header() {
            return format.header(packet);
        }

        public TcpFlags flags() {
            return header().flags();
        }

        /** Value semantics over the packet's content (a record compares arrays by identity). */
        @Override
        public boolean equals(Object o) {
            return o instanceof SegmentSent s
                    && timeUs == s.timeUs
                    && segmentId == s.segmentId
                    && retransmission == s.retransmission
                    && probe == s.probe
                    && from == s.from
                    && to == s.to
                    && java.util.Objects.equals(connection, s.connection)
                    && java.util.Objects.equals(note, s.note)
                    && format.equals(s.format)
                    && java.util.Arrays.equals(packet, s.packet);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(timeUs, connection, segmentId, from, to, retransmission, probe, note, format)
                    + 31 * java.util.Arrays.hashCode(packet);
        }

        @Override
        public String toString() {
            return "SegmentSent[timeUs=" + timeUs + ", connection=" + connection + ", segmentId=" + segmentId
                    + ", from=" + from + ", to=" + to + ", retransmission=" + retransmission + ", probe=" + probe
                    + ", packet=" + org.tcplab.engine.wire.Hex.of(packet) + ", note=" + note + ", format=" + format
                    + "]";
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

    /**
     * An ACK the stack would have sent and did not, because of an ACK rate limit (RFC 5961 §7 ACK
     * throttling, Linux's {@code tcp_invalid_ratelimit}): what ends an ACK war.
     *
     * @param detail what the ACK would have answered, and the limit, in words
     */
    record AckSuppressed(long timeUs, String connection, HostName host, AckSuppression reason, String detail)
            implements LabEvent {
        public String type() {
            return "ack.suppressed";
        }
    }

    /** Why an ACK was not sent. */
    enum AckSuppression {
        /** An ACK answering an unacceptable segment (RFC 9293 §3.10.7.4), within the connection's interval. */
        OUT_OF_WINDOW_RATE_LIMIT("out-of-window-rate-limit"),
        /** An RFC 5961 challenge ACK, within the connection's interval or beyond the host's per-second limit. */
        CHALLENGE_ACK_RATE_LIMIT("challenge-ack-rate-limit");

        private final String id;

        AckSuppression(String id) {
            this.id = id;
        }

        /** The schema spelling. */
        public String id() {
            return id;
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

    /**
     * Class mode: a segment is held and question {@code question} (1, 2, ... per lab) asks the class
     * to predict it; nothing of the segment is shown until {@link QuizRevealed}.
     */
    record QuizQuestion(long timeUs, String connection, int question) implements LabEvent {
        public String type() {
            return "quiz.question";
        }
    }

    /**
     * Class mode: question {@code question} was revealed; its segment is sent next ({@code segment.sent}).
     * {@code from}, {@code flags}, {@code seq} and {@code ack} are what was to be predicted.
     *
     * @param ack null when the segment has no ACK
     * @param correct how many of the {@code total} answers were right, as the server counted them
     */
    record QuizRevealed(
            long timeUs,
            String connection,
            int question,
            HostName from,
            TcpFlags flags,
            long seq,
            Long ack,
            int correct,
            int total)
            implements LabEvent {
        public String type() {
            return "quiz.revealed";
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
