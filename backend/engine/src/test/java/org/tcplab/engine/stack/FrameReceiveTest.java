package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpFlag;

/** The byte edge: receive(Frame) decodes once, drops what it cannot trust, never throws. */
class FrameReceiveTest {

    private final HostHarness h = new HostHarness(HostHarness.plain()).listen();

    private static byte[] synBytes() {
        return TcpCodec.encode(new TcpDatagram(
                HostHarness.PEER,
                HostHarness.HOST,
                HostHarness.peer().seq(100).flags(TcpFlag.SYN).build()));
    }

    @Test
    void aGoodFrameIsProcessed() {
        h.host.receive(0, new Frame(1, "c1", synBytes()));
        h.expectSent("SYN,ACK", 300, 101);
        assertThat(h.state()).isEqualTo(TcpState.SYN_RECEIVED);
    }

    @Test
    void aBadChecksumIsDroppedWithAnEvent() {
        byte[] b = synBytes();
        b[b.length - 1] ^= 0x55; // inside the TCP header: the TCP checksum no longer matches
        h.host.receive(0, new Frame(7, "c1", b));
        h.expectNothingSent();
        var drop = h.eventsOf(LabEvent.SegmentDropped.class);
        assertThat(drop).hasSize(1);
        assertThat(drop.get(0).segmentId()).isEqualTo(7);
        assertThat(drop.get(0).reason()).isEqualTo("checksum");
    }

    @Test
    void garbageIsDroppedAsMalformed() {
        for (byte[] junk : new byte[][] {{}, {0x45}, new byte[19], {0x60, 0, 0, 0}}) {
            h.host.receive(0, new Frame(9, null, junk));
        }
        h.expectNothingSent();
        assertThat(h.eventsOf(LabEvent.SegmentDropped.class)).hasSize(4).allSatisfy(d -> assertThat(d.reason())
                .startsWith("malformed"));
    }
}
