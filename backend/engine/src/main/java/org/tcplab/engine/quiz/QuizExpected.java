package org.tcplab.engine.quiz;

import org.tcplab.engine.event.HostName;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpHeaderFields;

/**
 * What a question asks the class to predict: who sends the held segment and its header's flags and
 * numbers.
 *
 * @param seq absolute, unsigned 32-bit
 * @param ack absolute, unsigned 32-bit; null when ACK is not set (the segment has no ack number)
 */
public record QuizExpected(HostName from, TcpFlags flags, long seq, Long ack) {

    static QuizExpected of(HostName from, byte[] packet) {
        TcpHeaderFields h = TcpCodec.header(packet);
        return new QuizExpected(from, h.flags(), h.seq(), h.flags().ack() ? h.ack() : null);
    }
}
