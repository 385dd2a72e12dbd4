package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LabEvent.Narration;
import org.tcplab.engine.event.LabEvent.SegmentSent;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.WireSegment;

/** The observer alone, fed hand-made event sequences (no kernel needed). Linux is the server. */
class LinuxDifferencesTest {

    private static final HostName LINUX = HostName.SERVER;
    private static final HostName OURS = HostName.CLIENT;
    private static final List<TcpOption> LINUX_SYN_OPTIONS = List.of(
            new TcpOption.MaxSegmentSize(1460),
            new TcpOption.SackPermitted(),
            new TcpOption.Timestamps(1, 0),
            new TcpOption.NoOp(),
            new TcpOption.WindowScale(7));

    private final List<LabEvent> out = new ArrayList<>();
    private final LinuxDifferences diff = new LinuxDifferences(
            out::add,
            LINUX,
            TcpConfig.defaults().withMslUs(100_000),
            Map.of(
                    "tcp_syn_linear_timeouts",
                    "4",
                    "tcp_synack_retries",
                    "5",
                    "tcp_syn_retries",
                    "6",
                    "tcp_rto_min_us",
                    "200000",
                    "tcp_sack",
                    "1",
                    "tcp_timestamps",
                    "1",
                    "tcp_window_scaling",
                    "1"));
    private long ids;

    private static WireSegment seg(
            long seq, long ack, int window, int payload, List<TcpOption> options, String... flags) {
        return new WireSegment(
                "198.51.100.1",
                "198.51.100.2",
                8080,
                40000,
                seq,
                ack,
                20,
                List.of(flags),
                window,
                0,
                true,
                0,
                options,
                payload,
                "",
                "",
                null);
    }

    private SegmentSent sent(long t, HostName from, boolean retx, WireSegment s) {
        SegmentSent e = new SegmentSent(t, "1", ++ids, from, from.other(), retx, false, s, null);
        diff.emit(e);
        return e;
    }

    private void linuxState(long t, TcpState from, TcpState to) {
        diff.emit(new LabEvent.StateChanged(t, "1", LINUX, from, to, TapLab.OBSERVED));
    }

    private List<Narration> narrations(String step) {
        return out.stream()
                .filter(e -> e instanceof Narration n && n.step().equals(step))
                .map(Narration.class::cast)
                .toList();
    }

    private List<Narration> narrations() {
        return out.stream()
                .filter(Narration.class::isInstance)
                .map(Narration.class::cast)
                .toList();
    }

    /** Handshake without a difference in options, so only what a test provokes is narrated. */
    private void handshake() {
        sent(0, OURS, false, seg(1000, 0, 65535, 0, LINUX_SYN_OPTIONS, "SYN"));
        sent(1_000, LINUX, false, seg(5000, 1001, 65535, 0, LINUX_SYN_OPTIONS, "ACK", "SYN"));
        sent(1_100, OURS, false, seg(1001, 5001, 65535, 0, List.of(), "ACK"));
        linuxState(3_000, TcpState.LISTEN, TcpState.ESTABLISHED);
    }

    @Test
    void everyEventPassesThroughInOrderAndNothingIsSaidWithoutADifference() {
        handshake();
        sent(10_000, LINUX, false, seg(5001, 1001, 65535, 100, List.of(), "ACK", "PSH"));
        assertThat(out).hasSize(5).noneMatch(Narration.class::isInstance);
    }

    @Test
    void aRetransmittedSynAckIsNarratedOnceWithTheMeasuredDelayInBothLanguages() {
        sent(0, OURS, false, seg(1000, 0, 65535, 0, LINUX_SYN_OPTIONS, "SYN"));
        SegmentSent first = sent(2_000, LINUX, false, seg(5000, 1001, 65535, 0, LINUX_SYN_OPTIONS, "ACK", "SYN"));
        SegmentSent again = sent(1_236_000, LINUX, true, seg(5000, 1001, 65535, 0, LINUX_SYN_OPTIONS, "ACK", "SYN"));
        sent(3_300_000, LINUX, true, seg(5000, 1001, 65535, 0, LINUX_SYN_OPTIONS, "ACK", "SYN"));

        assertThat(narrations()).hasSize(1);
        Narration n = narrations(LinuxDifferences.SYNACK_RETRANSMISSION).get(0);
        assertThat(out.indexOf(n)).isEqualTo(out.indexOf(again) + 1);
        assertThat(n.timeUs()).isEqualTo(again.timeUs());
        assertThat(n.connection()).isEqualTo("1");
        assertThat(n.en())
                .contains("SYN-ACK 1.234 s after", "tcp_synack_retries", "5 re-sends", "RFC 6298 §5.5")
                .doesNotContain("right after our re-sent SYN");
        assertThat(n.zh()).contains("1.234 s", "SYN-ACK", "tcp_synack_retries", "RFC 6298 §5.5", "重发");
        assertThat(first.retransmission()).isFalse();
    }

    @Test
    void aSynAckAnsweringOurRepeatedSynSaysSo() {
        sent(0, OURS, false, seg(1000, 0, 65535, 0, LINUX_SYN_OPTIONS, "SYN"));
        sent(1_000, LINUX, false, seg(5000, 1001, 65535, 0, LINUX_SYN_OPTIONS, "ACK", "SYN"));
        sent(1_000_000, OURS, true, seg(1000, 0, 65535, 0, LINUX_SYN_OPTIONS, "SYN"));
        sent(1_000_300, LINUX, true, seg(5000, 1001, 65535, 0, LINUX_SYN_OPTIONS, "ACK", "SYN"));
        Narration n = narrations(LinuxDifferences.SYNACK_RETRANSMISSION).get(0);
        assertThat(n.en()).contains("999 ms after the first one, right after our re-sent SYN");
        assertThat(n.zh()).contains("紧跟在我们重发的 SYN 之后");
    }

    @Test
    void aRetransmittedSynCitesTheLinearTimeoutsAndOurDoubling() {
        // Linux is the client here: its SYN goes out first.
        LinuxDifferences client = new LinuxDifferences(
                out::add, HostName.CLIENT, TcpConfig.defaults(), Map.of("tcp_syn_linear_timeouts", "4"));
        WireSegment syn = seg(7000, 0, 64240, 0, LINUX_SYN_OPTIONS, "SYN");
        client.emit(new SegmentSent(0, "1", 1, HostName.CLIENT, HostName.SERVER, false, false, syn, null));
        client.emit(new SegmentSent(1_020_000, "1", 2, HostName.CLIENT, HostName.SERVER, true, false, syn, null));
        client.emit(new SegmentSent(2_040_000, "1", 3, HostName.CLIENT, HostName.SERVER, true, false, syn, null));
        assertThat(narrations()).hasSize(1);
        Narration n = narrations(LinuxDifferences.SYN_RETRANSMISSION).get(0);
        assertThat(n.en())
                .contains(
                        "re-sent its SYN 1.020 s after",
                        "tcp_syn_linear_timeouts = 4 here, Linux waits about 1 s before each of its first 5 SYN re-sends",
                        "RFC 6298 §5.5",
                        "tcp_syn_retries",
                        "as our stack does from 1.000 s");
        assertThat(n.zh()).contains("1.020 s", "tcp_syn_linear_timeouts = 4", "RFC 6298 §5.5");
    }

    @Test
    void timeWaitIsNarratedOnEntryAndItsMeasuredLengthOnExit() {
        handshake();
        linuxState(10_000, TcpState.ESTABLISHED, TcpState.FIN_WAIT_2);
        linuxState(12_000, TcpState.FIN_WAIT_2, TcpState.TIME_WAIT);
        Narration n = narrations(LinuxDifferences.TIME_WAIT).get(0);
        assertThat(n.en())
                .contains(
                        "TIME_WAIT",
                        "60 s",
                        "TCP_TIMEWAIT_LEN",
                        "RFC 9293 §3.4.2",
                        "4 minutes",
                        "2 × MSL = 2 × 100 ms = 200 ms");
        assertThat(n.zh()).contains("TIME_WAIT", "60 秒", "TCP_TIMEWAIT_LEN", "RFC 9293 §3.4.2", "4 分钟");
        assertThat(narrations(LinuxDifferences.TIME_WAIT_END)).isEmpty();

        linuxState(60_014_000, TcpState.TIME_WAIT, TcpState.CLOSED);
        Narration end = narrations(LinuxDifferences.TIME_WAIT_END).get(0);
        assertThat(end.en()).contains("left TIME_WAIT (now CLOSED) 60.002 s after");
        assertThat(end.zh()).contains("60.002 s");
        assertThat(narrations()).hasSize(2);
    }

    @Test
    void dataRetransmissionIsNarratedOnceWithTheGapFromTheFirstSending() {
        handshake();
        sent(100_000, LINUX, false, seg(5001, 1001, 65535, 1000, List.of(), "ACK"));
        sent(101_000, LINUX, false, seg(6001, 1001, 65535, 1000, List.of(), "ACK"));
        sent(420_000, LINUX, true, seg(6001, 1001, 65535, 1000, List.of(), "ACK"));
        sent(900_000, LINUX, true, seg(5001, 1001, 65535, 1000, List.of(), "ACK"));
        assertThat(narrations()).hasSize(1);
        Narration n = narrations(LinuxDifferences.DATA_RETRANSMISSION).get(0);
        assertThat(n.en())
                .contains(
                        "seq 6001",
                        "319 ms after first sending it.",
                        "200 ms",
                        "TCP_RTO_MIN",
                        "RFC 6298 §2.4",
                        "minimum RTO in this lab is 1.000 s")
                .doesNotContain("fast retransmit");
        assertThat(n.zh()).contains("319 ms", "TCP_RTO_MIN", "RFC 6298 §2.4");
    }

    @Test
    void aResendSoonerThanLinuxsMinimumRtoIsNotCalledATimeout() {
        handshake();
        sent(100_000, LINUX, false, seg(5001, 1001, 65535, 1000, List.of(), "ACK"));
        sent(130_000, LINUX, true, seg(5001, 1001, 65535, 1000, List.of(), "ACK"));
        Narration n = narrations(LinuxDifferences.DATA_RETRANSMISSION).get(0);
        assertThat(n.en())
                .contains(
                        "30 ms after first sending it",
                        "fast retransmit, RFC 5681 §3.2",
                        "RFC 8985",
                        "not the retransmission timeout");
    }

    @Test
    void aResendWhoseFirstSendingWasNotSeenClaimsNoGap() {
        handshake();
        sent(500_000, LINUX, true, seg(90_000, 1001, 65535, 1000, List.of(), "ACK"));
        Narration n = narrations(LinuxDifferences.DATA_RETRANSMISSION).get(0);
        assertThat(n.en()).contains("seq 90000", "no gap is measured").doesNotContain(" after first sending it");
        assertThat(n.zh()).contains("不测量间隔");
    }

    @Test
    void differingSynOptionsAreComparedOncePerLab() {
        List<TcpOption> ours = List.of(
                new TcpOption.MaxSegmentSize(1460),
                new TcpOption.NoOp(),
                new TcpOption.WindowScale(7),
                new TcpOption.SackPermitted(),
                new TcpOption.Timestamps(9, 0));
        sent(0, OURS, false, seg(1000, 0, 65535, 0, ours, "SYN"));
        SegmentSent synAck = sent(1_000, LINUX, false, seg(5000, 1001, 65160, 0, LINUX_SYN_OPTIONS, "ACK", "SYN"));
        // A second connection's handshake says nothing more.
        diff.emit(new SegmentSent(
                2_000, "2", ++ids, OURS, LINUX, false, false, seg(2000, 0, 65535, 0, ours, "SYN"), null));
        diff.emit(new SegmentSent(
                3_000, "2", ++ids, LINUX, OURS, false, false, seg(9000, 2001, 1000, 0, List.of(), "ACK", "SYN"), null));

        assertThat(narrations()).hasSize(1);
        Narration n = narrations(LinuxDifferences.SYN_OPTIONS).get(0);
        assertThat(out.indexOf(n)).isEqualTo(out.indexOf(synAck) + 1);
        assertThat(n.en())
                .contains(
                        "Linux's first SYN-ACK carried window 65160 and options MSS 1460, SACK_PERMITTED, TS, NOP, WS 7",
                        "ours (SYN) carried window 65535 and MSS 1460, NOP, WS 7, SACK_PERMITTED, TS",
                        "differ in window, layout",
                        "RFC 7323",
                        "tcp_sack");
        assertThat(n.zh()).contains("65160", "窗口、排列顺序", "RFC 7323");
    }

    @Test
    void aChallengeAckAfterOurNonExactRstIsNarrated() {
        handshake();
        sent(50_000, OURS, false, seg(1200, 5001, 65535, 0, List.of(), "RST"));
        // Not ours to judge: Linux's ACK arrives only after something else we sent.
        sent(60_000, OURS, false, seg(1001, 5001, 65535, 0, List.of(), "ACK"));
        sent(60_500, LINUX, false, seg(5001, 1001, 65535, 0, List.of(), "ACK"));
        assertThat(narrations()).isEmpty();

        sent(70_000, OURS, false, seg(1500, 0, 0, 0, List.of(), "RST"));
        sent(70_400, LINUX, false, seg(5001, 1001, 65535, 0, List.of(), "ACK"));
        Narration n = narrations(LinuxDifferences.CHALLENGE_ACK).get(0);
        assertThat(n.en())
                .contains("our RST (seq 1500, not its RCV.NXT 1001)", "RFC 5961 §3.2", "tcp_challenge_ack_limit");
        assertThat(n.zh()).contains("挑战 ACK", "RFC 5961 §3.2");

        sent(80_000, OURS, false, seg(1600, 0, 0, 0, List.of(), "RST"));
        sent(80_400, LINUX, false, seg(5001, 1001, 65535, 0, List.of(), "ACK"));
        assertThat(narrations()).hasSize(1);
    }

    @Test
    void anExactRstOrALateAckIsNoChallenge() {
        handshake();
        // Our RST at RCV.NXT is exact (Linux resets), whatever comes next.
        sent(50_000, OURS, false, seg(1001, 0, 0, 0, List.of(), "RST"));
        sent(50_500, LINUX, false, seg(5001, 1001, 65535, 0, List.of(), "ACK"));
        // A SYN answered only after 600 ms is not counted as its answer.
        sent(100_000, OURS, false, seg(3000, 0, 65535, 0, List.of(), "SYN"));
        sent(700_000, LINUX, false, seg(5001, 1001, 65535, 0, List.of(), "ACK"));
        assertThat(narrations()).isEmpty();

        sent(800_000, OURS, false, seg(3000, 0, 65535, 0, List.of(), "SYN"));
        sent(800_200, LINUX, false, seg(5001, 1001, 65535, 0, List.of(), "ACK"));
        assertThat(narrations(LinuxDifferences.CHALLENGE_ACK).get(0).en()).contains("our SYN", "RFC 5961 §4");
    }

    @Test
    void segmentsCraftedInLinuxsNameAreNotLinuxs() {
        handshake();
        WireSegment data = seg(5001, 1001, 65535, 1000, List.of(), "ACK");
        diff.emit(new SegmentSent(100_000, "1", ++ids, LINUX, OURS, false, false, data, "crafted"));
        diff.emit(new SegmentSent(400_000, "1", ++ids, LINUX, OURS, true, false, data, "crafted"));
        assertThat(narrations()).isEmpty();
    }

    @Test
    void durationsReadAsMillisecondsOrSeconds() {
        assertThat(LinuxDifferences.seconds(340)).isEqualTo("0.3 ms");
        assertThat(LinuxDifferences.seconds(200_000)).isEqualTo("200 ms");
        assertThat(LinuxDifferences.seconds(1_004_400)).isEqualTo("1.004 s");
        assertThat(LinuxDifferences.seconds(60_000_000)).isEqualTo("60.000 s");
    }
}
