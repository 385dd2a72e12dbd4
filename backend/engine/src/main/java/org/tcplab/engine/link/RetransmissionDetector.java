package org.tcplab.engine.link;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpSegment;

/**
 * Tells, from outside a TCP, whether a segment it sends re-sends sequence space it already sent
 * (its retransmission timer or fast retransmit, RFC 6298 / RFC 5681): for segments only seen on
 * the wire (the Linux kernel's in a TAP lab, both kernels' in a Linux pair), where the stack itself
 * cannot say. Our own stack marks its retransmissions itself.
 *
 * <p>Per sender 4-tuple it keeps the highest sequence number sent (SND.NXT as seen from outside):
 * a segment that occupies sequence space (data, SYN or FIN) and ends at or below it is a
 * retransmission. A SYN starts a new sequence space unless it repeats the last one exactly.
 * Single-threaded.
 */
public final class RetransmissionDetector {

    private final Map<ConnectionKey, SeqNum> sent = new LinkedHashMap<>();

    /**
     * Records {@code segment}, sent by the end whose view is {@code senderKey} (local = the sender),
     * and answers whether it is a retransmission.
     */
    public boolean observe(ConnectionKey senderKey, TcpSegment segment) {
        int len = segment.segLen();
        if (len == 0 || segment.flags().rst()) return false;
        SeqNum end = segment.seq().plus(len);
        SeqNum high = sent.get(senderKey);
        if (segment.flags().syn()) {
            sent.put(senderKey, end);
            return end.equals(high);
        }
        if (high != null && end.lessOrEqual(high)) return true;
        sent.put(senderKey, end);
        return false;
    }

    /** Forgets a 4-tuple (it is reused by a new connection). */
    public void forget(ConnectionKey senderKey) {
        sent.remove(senderKey);
    }
}
