package org.tcplab.server.scenario;

import java.util.List;

/**
 * A segment the run actually sent ({@code segment.sent}), as the verdict shows it.
 *
 * @param eventId the {@code segment.sent} event's id in the lab log
 * @param time virtual ms since the lab started
 * @param ack null when the segment has no ACK flag
 * @param dropped a {@code segment.dropped} event followed for it (on the link or at the receiver)
 * @param dropReason that event's reason ({@code fault}, {@code no-listener}, ...), null if not dropped
 */
public record ActualSegment(
        int index,
        long eventId,
        double time,
        String from,
        List<String> flags,
        long seq,
        Long ack,
        int length,
        int window,
        boolean retransmission,
        boolean dropped,
        String dropReason,
        String note) {

    String describe() {
        StringBuilder sb = new StringBuilder(from).append(' ').append(String.join(",", flags));
        sb.append(" seq=").append(seq);
        if (ack != null) sb.append(" ack=").append(ack);
        if (length > 0) sb.append(" len=").append(length);
        sb.append(" win=").append(window);
        if (retransmission) sb.append(" (retransmission)");
        if (dropped) sb.append(" (dropped: ").append(dropReason).append(')');
        if (note != null) sb.append(" (").append(note).append(')');
        sb.append(" at ").append(ScenarioVerdict.ms(time)).append("ms");
        return sb.toString();
    }
}
