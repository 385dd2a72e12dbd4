package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LabEvent.SegmentSent;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlags;

/**
 * The TAP driver against the real kernel with a scripted host in place of our stack (see
 * {@link ScriptedHost}): events for both directions, /proc states, faults, the Linux side's sockets.
 */
class TapLabDriverTest {

    private static final HostName OURS = HostName.CLIENT;
    private static final HostName LINUX = HostName.SERVER;

    private final Recorder rec = new Recorder();
    private final ScriptedHost[] host = new ScriptedHost[1];

    @BeforeEach
    void needsRoot() {
        RootOnly.assumeTapAvailable();
    }

    private TapLab start() {
        return TapLab.start(TapLabConfig.defaults("server"), rec, ScriptedHost.factory(host));
    }

    private static boolean flags(SegmentSent s, String... names) {
        return s.segment().flags().equals(List.of(names));
    }

    @Test
    void linuxAnswersOurSynAndItsStatesComeFromProc() throws Exception {
        try (TapLab lab = start()) {
            assertThat(lab.ourHost()).isEqualTo(OURS);
            lab.listen(LINUX, 8080);
            String c = lab.connect(OURS, 40000, 8080, SeqNum.of(1000), null);

            SegmentSent syn = rec.await(SegmentSent.class, s -> s.from() == OURS, 3000);
            assertThat(flags(syn, "SYN")).isTrue();
            assertThat(syn.connection()).isEqualTo(c);
            SegmentSent synAck = rec.await(SegmentSent.class, s -> s.from() == LINUX && flags(s, "ACK", "SYN"), 3000);
            assertThat(synAck.connection()).isEqualTo(c);
            assertThat(synAck.segment().ack()).isEqualTo(1001);
            assertThat(synAck.retransmission()).isFalse();
            rec.await(
                    LabEvent.SegmentDelivered.class, d -> d.segmentId() == synAck.segmentId() && d.to() == OURS, 1000);
            rec.await(LabEvent.SegmentDelivered.class, d -> d.segmentId() == syn.segmentId() && d.to() == LINUX, 1000);
            LabEvent.StateChanged est = rec.await(
                    LabEvent.StateChanged.class, s -> s.host() == LINUX && s.to() == TcpState.ESTABLISHED, 3000);
            assertThat(est.connection()).isEqualTo(c);
            assertThat(est.cause()).isEqualTo(TapLab.OBSERVED);
            assertThat(lab.linuxState(c)).isEqualTo(TcpState.ESTABLISHED);

            lab.send(c, LINUX, "hello".getBytes(StandardCharsets.US_ASCII));
            SegmentSent data = rec.await(
                    SegmentSent.class, s -> s.from() == LINUX && s.segment().payloadLength() == 5, 3000);
            assertThat(data.connection()).isEqualTo(c);
            long deadline = System.currentTimeMillis() + 2000;
            while (host[0].received.stream().noneMatch(d -> d.segment().payloadLength() == 5)
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(5); // the event is emitted just before the host gets the frame
            }
            assertThat(host[0].received)
                    .anyMatch(d -> new String(d.segment().payload(), StandardCharsets.US_ASCII).equals("hello"));

            lab.abort(c, LINUX);
            rec.await(
                    SegmentSent.class,
                    s -> s.from() == LINUX && s.segment().flags().contains("RST"),
                    3000);
            rec.await(LabEvent.StateChanged.class, s -> s.host() == LINUX && s.to() == TcpState.CLOSED, 3000);
        }
    }

    @Test
    void droppingLinuxsSynAckMakesLinuxRetransmitItAboutASecondLater() throws Exception {
        try (TapLab lab = start()) {
            lab.listen(LINUX, 8080);
            FaultRule rule = lab.addFault(new FaultRule(
                    0, Direction.SERVER_TO_CLIENT, null, TcpFlags.SYN_ACK, null, 1, 1, 1.0, FaultAction.DROP, 0));
            String c = lab.connect(OURS, 40000, 8080, SeqNum.of(7), null);
            SegmentSent first = rec.await(SegmentSent.class, s -> s.from() == LINUX && flags(s, "ACK", "SYN"), 3000);
            LabEvent.FaultApplied fault =
                    rec.await(LabEvent.FaultApplied.class, f -> f.segmentId() == first.segmentId(), 1000);
            assertThat(fault.faultId()).isEqualTo(rule.id());
            assertThat(fault.action()).isEqualTo("drop");
            rec.await(
                    LabEvent.SegmentDropped.class,
                    d -> d.segmentId() == first.segmentId() && d.reason().equals("fault"),
                    1000);
            SegmentSent again = rec.await(
                    SegmentSent.class,
                    s -> s.from() == LINUX && flags(s, "ACK", "SYN") && s.segmentId() != first.segmentId(),
                    5000);
            assertThat(again.retransmission()).isTrue();
            assertThat(again.segment().seq()).isEqualTo(first.segment().seq());
            // Linux's initial RTO is 1 s (RFC 6298 §2.1).
            assertThat(again.timeUs() - first.timeUs()).isBetween(800_000L, 3_000_000L);
            rec.await(LabEvent.SegmentDelivered.class, d -> d.segmentId() == again.segmentId(), 1000);
            rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == LINUX && s.to() == TcpState.ESTABLISHED && c.equals(s.connection()),
                    3000);
        }
    }

    @Test
    void aSynToAClosedLinuxPortDrawsRstAck() throws Exception {
        try (TapLab lab = start()) {
            String c = lab.connect(OURS, 40001, 7777, SeqNum.of(5000), null);
            SegmentSent rst = rec.await(SegmentSent.class, s -> s.from() == LINUX, 3000);
            assertThat(rst.segment().flags()).containsExactly("ACK", "RST");
            assertThat(rst.segment().ack()).isEqualTo(5001);
            assertThat(rst.connection()).isEqualTo(c);
        }
    }

    @Test
    void aCaptureOnTheTapSeesExactlyTheSegmentsTheLogSaysWereSent() throws Exception {
        try (TapLab lab = start();
                Witness witness = new Witness(lab.namespace(), TapLink.DEVICE)) {
            lab.listen(LINUX, 8080);
            String c = lab.connect(OURS, 40000, 8080, SeqNum.of(1), null);
            rec.await(LabEvent.StateChanged.class, s -> s.host() == LINUX && s.to() == TcpState.ESTABLISHED, 3000);
            lab.send(c, LINUX, new byte[3000]);
            rec.await(SegmentSent.class, s -> s.from() == LINUX && s.segment().payloadLength() > 0, 3000);
            lab.abort(c, LINUX);
            rec.await(
                    SegmentSent.class,
                    s -> s.from() == LINUX && s.segment().flags().contains("RST"),
                    3000);
            List<String> logged = rec.all(SegmentSent.class).stream()
                    .map(s -> s.segment().bytes())
                    .toList();
            List<String> seen = witness.tcpSegments(logged.size(), 3000);
            assertThat(witness.dropped()).as("packets the capture itself lost").isZero();
            assertThat(logged).hasSizeGreaterThanOrEqualTo(5);
            assertThat(seen).containsExactlyInAnyOrderElementsOf(logged);
        }
    }
}
