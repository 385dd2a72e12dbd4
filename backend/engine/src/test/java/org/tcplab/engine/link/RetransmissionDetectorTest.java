package org.tcplab.engine.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpSegment;

class RetransmissionDetectorTest {

    private final RetransmissionDetector detector = new RetransmissionDetector();
    private final ConnectionKey linux =
            new ConnectionKey(Ipv4Address.SERVER_DEFAULT, 80, Ipv4Address.CLIENT_DEFAULT, 40000);

    private static TcpSegment seg(long seq, int len, TcpFlag... flags) {
        TcpSegment.Builder b =
                TcpSegment.builder(80, 40000).seq(seq).flags(flags).window(1000);
        return b.payload(new byte[len]).build();
    }

    @Test
    void sequenceSpaceSentAgainIsARetransmission() {
        assertThat(detector.observe(linux, seg(100, 0, TcpFlag.SYN))).isFalse();
        assertThat(detector.observe(linux, seg(100, 0, TcpFlag.SYN)))
                .as("the same SYN again")
                .isTrue();
        assertThat(detector.observe(linux, seg(101, 10, TcpFlag.ACK))).isFalse();
        assertThat(detector.observe(linux, seg(111, 0, TcpFlag.ACK)))
                .as("a pure ACK occupies nothing")
                .isFalse();
        assertThat(detector.observe(linux, seg(101, 10, TcpFlag.ACK))).isTrue();
        assertThat(detector.observe(linux, seg(105, 10, TcpFlag.ACK)))
                .as("partly new")
                .isFalse();
        assertThat(detector.observe(linux, seg(0, 0, TcpFlag.RST))).isFalse();
    }

    @Test
    void aNewSynStartsANewSequenceSpaceAndAForgottenTupleStartsOver() {
        detector.observe(linux, seg(100, 0, TcpFlag.SYN));
        assertThat(detector.observe(linux, seg(5000, 0, TcpFlag.SYN))).isFalse();
        assertThat(detector.observe(linux, seg(4000, 10, TcpFlag.ACK)))
                .as("below the new space's end: sent already")
                .isTrue();
        detector.forget(linux);
        assertThat(detector.observe(linux, seg(4000, 10, TcpFlag.ACK))).isFalse();
    }
}
