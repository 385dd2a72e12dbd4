package org.tcplab.server.scenario;

import java.util.List;

/**
 * A segment the RFC expects, with the parameters filled in. Null fields are not checked.
 *
 * @param index 1-based position in the expectation
 * @param time the virtual time (ms) it must be sent at, when the scenario says
 * @param states the states each host must reach by the time of this segment (in order per host)
 */
public record ExpectedSegment(
        int index,
        String from,
        List<String> flags,
        Long seq,
        Long ack,
        Integer length,
        Integer window,
        Boolean retransmission,
        Boolean dropped,
        Double time,
        List<ExpectedState> states) {

    public record ExpectedState(String host, String state) {}

    /** Plain words for mismatch messages: {@code client SYN,ACK seq=300 ack=101}. */
    String describe() {
        StringBuilder sb = new StringBuilder(from).append(' ').append(String.join(",", flags));
        if (seq != null) sb.append(" seq=").append(seq);
        if (ack != null) sb.append(" ack=").append(ack);
        if (length != null) sb.append(" len=").append(length);
        if (window != null) sb.append(" win=").append(window);
        if (Boolean.TRUE.equals(retransmission)) sb.append(" (retransmission)");
        if (Boolean.TRUE.equals(dropped)) sb.append(" (dropped)");
        if (time != null) sb.append(" at ").append(ScenarioVerdict.ms(time)).append("ms");
        return sb.toString();
    }
}
