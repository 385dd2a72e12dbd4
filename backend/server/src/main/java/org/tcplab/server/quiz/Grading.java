package org.tcplab.server.quiz;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tcplab.engine.wire.TcpFlag;

/**
 * The contract's rule for a correct prediction: {@code from} matches, the flags match as a set
 * with PSH aside (whether a stack pushes is its own choice, RFC 9293 §3.9.1), and {@code seq} and
 * {@code ack}, where given, equal the segment's. An ack predicted for a segment without ACK is
 * wrong: that segment has no ack number.
 */
final class Grading {

    private Grading() {}

    /** The fields of {@code answer} that differ from {@code key}, in the order from, flags, seq, ack; empty when right. */
    static List<String> wrong(Prediction answer, Prediction key) {
        List<String> wrong = new ArrayList<>(4);
        if (answer.from() != key.from()) wrong.add("from");
        if (!answer.flags().without(TcpFlag.PSH).equals(key.flags().without(TcpFlag.PSH))) wrong.add("flags");
        if (answer.seq() != null && !answer.seq().equals(key.seq())) wrong.add("seq");
        if (answer.ack() != null && !Objects.equals(answer.ack(), key.ack())) wrong.add("ack");
        return wrong;
    }
}
