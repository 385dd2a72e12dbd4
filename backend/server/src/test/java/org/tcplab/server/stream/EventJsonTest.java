package org.tcplab.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpSegment;

class EventJsonTest {

    @Test
    void aZeroWindowProbeIsMarkedAsAProbeNotARetransmission() {
        byte[] bytes = TcpCodec.encode(new TcpDatagram(
                Ipv4Address.CLIENT_DEFAULT,
                Ipv4Address.SERVER_DEFAULT,
                TcpSegment.builder(40000, 80)
                        .seq(101)
                        .ack(301)
                        .window(1000)
                        .payload(new byte[1])
                        .build()));
        var json = EventJson.toMap(new LoggedEvent(
                7,
                new LabEvent.SegmentSent(
                        2_000_000, "1", 9, HostName.CLIENT, HostName.SERVER, false, true, bytes, null)));
        assertThat(json).containsEntry("type", "segment.sent");
        assertThat(json).containsEntry("retransmission", false).containsEntry("probe", true);
    }

    @Test
    void aSuppressedAckCarriesHostReasonAndDetail() {
        var json = EventJson.toMap(new LoggedEvent(
                3,
                new LabEvent.AckSuppressed(
                        1_500_000,
                        "1",
                        HostName.SERVER,
                        LabEvent.AckSuppression.OUT_OF_WINDOW_RATE_LIMIT,
                        "no ACK for an unacceptable segment")));
        assertThat(json)
                .containsEntry("id", 3L)
                .containsEntry("time", 1500.0)
                .containsEntry("type", "ack.suppressed")
                .containsEntry("connection", "1")
                .containsEntry("host", "server")
                .containsEntry("reason", "out-of-window-rate-limit")
                .containsEntry("detail", "no ACK for an unacceptable segment");
        assertThat(EventJson.toMap(new LoggedEvent(
                        4,
                        new LabEvent.AckSuppressed(
                                1_500_000,
                                "1",
                                HostName.CLIENT,
                                LabEvent.AckSuppression.CHALLENGE_ACK_RATE_LIMIT,
                                "d"))))
                .containsEntry("reason", "challenge-ack-rate-limit");
    }

    /** lab-api.md "Captures": {@code inferred} appears on a capture's states only, never on a stack's own. */
    @Test
    void onlyAnInferredStateSaysSo() {
        var reported = EventJson.toMap(new LoggedEvent(
                1, new LabEvent.StateChanged(0, "1", HostName.CLIENT, TcpState.CLOSED, TcpState.SYN_SENT, "open")));
        var inferred = EventJson.toMap(new LoggedEvent(
                2,
                new LabEvent.StateChanged(
                        0, "1", HostName.CLIENT, TcpState.CLOSED, TcpState.SYN_SENT, "sent SYN", true)));
        assertThat(reported).containsEntry("type", "state").doesNotContainKey("inferred");
        assertThat(inferred).containsEntry("inferred", true);
    }
}
