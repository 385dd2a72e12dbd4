package org.tcplab.engine.capture;

import java.util.List;
import org.tcplab.engine.capture.CapturedSegment.Endpoint;

/**
 * One TCP connection found in a capture: its segments in capture order and who was client.
 *
 * @param index 1, 2, 3 ... in order of each conversation's first packet
 * @param client the side that sent the first SYN; when the capture holds none, the side a SYN,ACK
 *     went to; when it holds neither, the first sender
 * @param server the other side
 * @param segments the segments kept, in capture order
 * @param leftOut segments of this conversation beyond {@link CaptureLimits#maxSegmentsPerConversation()}
 */
public record Conversation(int index, Endpoint client, Endpoint server, List<CapturedSegment> segments, long leftOut) {

    public Conversation {
        segments = List.copyOf(segments);
    }

    /** Segments in the capture, kept or left out. */
    public long segmentCount() {
        return segments.size() + leftOut;
    }

    public boolean fromClient(CapturedSegment s) {
        return s.src().equals(client) && s.dst().equals(server);
    }

    public long durationNanos() {
        return segments.isEmpty()
                ? 0
                : segments.get(segments.size() - 1).timeNanos()
                        - segments.get(0).timeNanos();
    }

    /**
     * The three-way handshake is in the capture: the client's SYN, the server's SYN,ACK acknowledging
     * it, and the client's ACK of that (RFC 9293 §3.5, figure 6).
     */
    public boolean handshakeSeen() {
        TcpHeader syn = null;
        TcpHeader synAck = null;
        for (CapturedSegment s : segments) {
            TcpHeader h = TcpHeader.of(s);
            boolean client = fromClient(s);
            if (client && h.pureSyn()) {
                syn = h;
            } else if (!client
                    && syn != null
                    && h.syn()
                    && h.hasAck()
                    && h.ack().equals(syn.seq().plus(1))) {
                synAck = h;
            } else if (client
                    && synAck != null
                    && !h.syn()
                    && h.hasAck()
                    && h.ack().equals(synAck.seq().plus(1))) {
                return true;
            }
        }
        return false;
    }
}
