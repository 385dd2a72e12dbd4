package org.tcplab.server.quiz;

import java.util.List;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.wire.TcpFlags;

/**
 * What a student (or the answer key) says the held segment is.
 *
 * @param seq absolute, or null when not predicted
 * @param ack absolute, or null when not predicted (in the key: the segment has no ACK)
 */
record Prediction(HostName from, TcpFlags flags, Long seq, Long ack) {

    List<String> flagNames() {
        return flags.names();
    }
}
