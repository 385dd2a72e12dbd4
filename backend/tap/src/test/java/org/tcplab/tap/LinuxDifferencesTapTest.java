package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LabEvent.Narration;
import org.tcplab.engine.event.LabEvent.SegmentSent;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpSegment;

/** The lab narrates where the real Linux kernel differs from the RFCs and our stack. Needs root and /dev/net/tun. */
class LinuxDifferencesTapTest {

    private final Recorder rec = new Recorder();

    @BeforeEach
    void needsRoot() {
        RootOnly.assumeTapAvailable();
    }

    private TapLab start(TapLabConfig config) {
        // A short MSL keeps our own TIME_WAIT brief; Linux's is its own.
        return TapLab.start(config.withTcp(config.tcp().withMslUs(100_000)), rec);
    }

    private static boolean synAck(SegmentSent s) {
        return s.segment().flags().equals(List.of("ACK", "SYN"));
    }

    private List<Narration> narrations(String step) {
        return rec.all(Narration.class).stream()
                .filter(n -> n.step().equals(step))
                .toList();
    }

    @Test
    void droppingLinuxsFirstSynAckNarratesItsRetransmissionWithTheMeasuredDelay() throws Exception {
        try (TapLab lab = start(TapLabConfig.defaults("server"))) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 8080);
            lab.addFault(new FaultRule(
                    0,
                    Direction.parse(linux.id() + "-to-" + ours.id()),
                    null,
                    TcpFlags.SYN_ACK,
                    null,
                    1,
                    1,
                    1.0,
                    FaultAction.DROP,
                    0));
            String c = lab.connect(ours, 40000, 8080, SeqNum.of(42), null);
            SegmentSent first = rec.await(SegmentSent.class, s -> s.from() == linux && synAck(s), 3000);
            SegmentSent again = rec.await(
                    SegmentSent.class, s -> s.from() == linux && synAck(s) && s.segmentId() != first.segmentId(), 5000);
            Narration n =
                    rec.await(Narration.class, x -> x.step().equals(LinuxDifferences.SYNACK_RETRANSMISSION), 2000);
            rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == linux && c.equals(s.connection()) && s.to() == TcpState.ESTABLISHED,
                    3000);

            String measured = LinuxDifferences.seconds(again.timeUs() - first.timeUs());
            assertThat(n.connection()).isEqualTo(c);
            assertThat(n.step()).startsWith("linux:");
            assertThat(n.en())
                    .contains(
                            "re-sent its SYN-ACK " + measured + " after the first one",
                            "tcp_synack_retries",
                            "RFC 6298 §5.5");
            assertThat(n.zh()).contains(measured, "重发", "tcp_synack_retries", "RFC 6298 §5.5");
            assertThat(narrations(LinuxDifferences.SYNACK_RETRANSMISSION)).hasSize(1);
            assertThat(narrations(LinuxDifferences.SYN_OPTIONS)).hasSizeLessThanOrEqualTo(1);
            System.out.println("NARRATION " + n.step() + "\n  en: " + n.en() + "\n  zh: " + n.zh());
            for (Narration o : narrations(LinuxDifferences.SYN_OPTIONS)) {
                System.out.println("NARRATION " + o.step() + "\n  en: " + o.en() + "\n  zh: " + o.zh());
            }
        }
    }

    @Test
    void linuxClosingFirstNarratesItsFixedTimeWait() throws Exception {
        try (TapLab lab = start(TapLabConfig.defaults("server"))) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 8080);
            String c = lab.connect(ours, 40000, 8080, null, null);
            rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == linux && c.equals(s.connection()) && s.to() == TcpState.ESTABLISHED,
                    3000);
            lab.close(c, linux);
            rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == ours && c.equals(s.connection()) && s.to() == TcpState.CLOSE_WAIT,
                    3000);
            lab.close(c, ours);
            LabEvent.StateChanged tw = rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == linux && c.equals(s.connection()) && s.to() == TcpState.TIME_WAIT,
                    3000);
            Narration n = rec.await(Narration.class, x -> x.step().equals(LinuxDifferences.TIME_WAIT), 1000);
            assertThat(n.connection()).isEqualTo(c);
            assertThat(n.timeUs()).isEqualTo(tw.timeUs());
            assertThat(n.en()).contains("60 s", "TCP_TIMEWAIT_LEN", "RFC 9293 §3.4.2", "2 × MSL = 2 × 100 ms = 200 ms");
            assertThat(n.zh()).contains("60 秒", "TCP_TIMEWAIT_LEN", "RFC 9293 §3.4.2");
            // Linux is still in TIME_WAIT (60 s): nothing claims it has left.
            assertThat(lab.linuxState(c)).isEqualTo(TcpState.TIME_WAIT);
            assertThat(narrations(LinuxDifferences.TIME_WAIT_END)).isEmpty();
            System.out.println("NARRATION " + n.step() + "\n  en: " + n.en() + "\n  zh: " + n.zh());
        }
    }

    @Test
    void aLossyBulkTransferNarratesEachKindAtMostOncePerConnection() throws Exception {
        int size = 1 << 20;
        TapLabConfig config = TapLabConfig.defaults("server").withSeed(11);
        try (TapLab lab = start(config.withTcp(config.tcp().withMinRtoUs(200_000)))) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 8080);
            String c = lab.connect(ours, 40000, 8080, null, null);
            rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == ours && c.equals(s.connection()) && s.to() == TcpState.ESTABLISHED,
                    3000);
            // Lose 3% of Linux's segments: Linux must re-send data, many times over a megabyte.
            lab.addFault(new FaultRule(
                    0,
                    Direction.parse(linux.id() + "-to-" + ours.id()),
                    null,
                    null,
                    null,
                    1,
                    0,
                    0.03,
                    FaultAction.DROP,
                    0));
            byte[] down = new byte[size];
            new SplittableRandom(5).nextBytes(down);
            lab.send(c, linux, down);
            rec.await(LabEvent.DataDelivered.class, d -> d.host() == ours && d.total() == size, 30_000);

            long linuxResends = rec.all(SegmentSent.class).stream()
                    .filter(s -> s.from() == linux && s.retransmission())
                    .count();
            assertThat(linuxResends).as("Linux re-sent segments").isGreaterThan(1);
            Map<String, Long> perKind = rec.all(Narration.class).stream()
                    .collect(Collectors.groupingBy(
                            n -> n.connection() + " " + n.step(), TreeMap::new, Collectors.counting()));
            assertThat(perKind).containsKey(c + " " + LinuxDifferences.DATA_RETRANSMISSION);
            assertThat(perKind.values()).allMatch(count -> count == 1);
            Narration n = narrations(LinuxDifferences.DATA_RETRANSMISSION).get(0);
            // A fresh namespace has the kernel's default net.ipv4.tcp_rto_min_us, read from the namespace itself.
            assertThat(n.en())
                    .contains("Linux re-sent data", "never goes below 200 ms", "TCP_RTO_MIN", "RFC 6298 §2.4");
            assertThat(n.zh()).contains("Linux 重发了数据", "TCP_RTO_MIN", "RFC 6298 §2.4");
            System.out.println("NARRATION " + n.step() + "\n  en: " + n.en() + "\n  zh: " + n.zh());
        }
    }

    @Test
    void linuxsChallengeAckToOurInWindowRstIsNarratedOnce() throws Exception {
        try (TapLab lab = start(TapLabConfig.defaults("server"))) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 8080);
            String c = lab.connect(ours, 40000, 8080, null, null);
            rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == linux && c.equals(s.connection()) && s.to() == TcpState.ESTABLISHED,
                    3000);
            long sndNxt = lab.ourConnections().get(0).sndNxt();
            // In Linux's window but 100 past RCV.NXT: RFC 5961 §3.2 says challenge ACK, not reset.
            long rst = lab.inject(
                    ours,
                    TcpSegment.builder(40000, 8080)
                            .seq(sndNxt + 100)
                            .flags(TcpFlag.RST)
                            .build(),
                    0);
            SegmentSent answer = rec.await(SegmentSent.class, s -> s.from() == linux && s.segmentId() > rst, 3000);
            assertThat(answer.segment().flags()).containsExactly("ACK");
            Narration n = rec.await(Narration.class, x -> x.step().equals(LinuxDifferences.CHALLENGE_ACK), 1000);
            assertThat(n.connection()).isEqualTo(c);
            assertThat(n.en())
                    .contains(
                            "our RST (seq " + ((sndNxt + 100) & 0xffffffffL) + ", not its RCV.NXT " + sndNxt + ")",
                            "RFC 5961 §3.2");
            assertThat(n.zh()).contains("挑战 ACK", "RFC 5961 §3.2");
            // Another one draws no second narration on this connection.
            long again = lab.inject(
                    ours,
                    TcpSegment.builder(40000, 8080)
                            .seq(sndNxt + 200)
                            .flags(TcpFlag.RST)
                            .build(),
                    0);
            rec.await(LabEvent.SegmentDelivered.class, d -> d.segmentId() == again, 3000);
            Thread.sleep(100);
            assertThat(narrations(LinuxDifferences.CHALLENGE_ACK)).hasSize(1);
            assertThat(lab.linuxState(c)).isEqualTo(TcpState.ESTABLISHED);
            System.out.println("NARRATION " + n.step() + "\n  en: " + n.en() + "\n  zh: " + n.zh());
        }
    }
}
