package org.tcplab.engine.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.wire.Hex;
import org.tcplab.engine.wire.WireSegment;

/**
 * A deterministic text form of events: record toString, except that a segment is shown by its
 * bytes in hex (option records holding arrays would print identity hashes), so two runs compare
 * byte for byte.
 */
final class EventText {

    private EventText() {}

    static String of(LabEvent e) {
        if (e instanceof LabEvent.SegmentSent s) {
            WireSegment w = s.segment();
            return "SegmentSent[t=" + s.timeUs() + ", c=" + s.connection() + ", id=" + s.segmentId() + ", " + s.from()
                    + "->" + s.to() + ", rtx=" + s.retransmission() + ", probe=" + s.probe() + ", note=" + s.note()
                    + ", ip=" + w.ipHeader()
                    + ", tcp=" + w.bytes() + ", ok=" + w.checksumOk() + ", malformed=" + w.malformed() + "]";
        }
        return e.toString();
    }

    static String of(List<LoggedEvent> log) {
        StringBuilder sb = new StringBuilder();
        for (LoggedEvent e : log)
            sb.append(e.id()).append(' ').append(of(e.event())).append('\n');
        return sb.toString();
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return Hex.of(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
