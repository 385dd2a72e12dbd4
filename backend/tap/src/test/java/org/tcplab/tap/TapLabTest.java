package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.MessageDigest;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LabEvent.SegmentSent;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.stack.TcpHost;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlags;

/**
 * Our TCP stack against the Linux kernel over the tap. Needs root and the engine's TcpHost (written
 * on another branch): each test skips, saying which is missing, until both are there.
 */
class TapLabTest {

    private static final long MSL_US = 100_000;
    private final Recorder rec = new Recorder();

    @BeforeEach
    void needsRootAndOurStack() {
        RootOnly.assumeTapAvailable();
        String missing = null;
        try {
            new TcpHost(
                    HostName.CLIENT,
                    Ipv4Address.CLIENT_DEFAULT,
                    TcpConfig.defaults(),
                    (t, k) -> SeqNum.ZERO,
                    (h, k) -> "1",
                    EventSink.NONE);
        } catch (UnsupportedOperationException e) {
            missing = "the engine's TcpHost is not implemented on this branch yet: " + e.getMessage();
        }
        String why = missing;
        assumeTrue(why == null, () -> "TAP TCP tests skipped: " + why);
    }

    private TapLab start(String linuxSide) {
        return start(TapLabConfig.defaults(linuxSide));
    }

    private TapLab start(TapLabConfig config) {
        return TapLab.start(config.withTcp(config.tcp().withMslUs(MSL_US)), rec);
    }

    private static boolean flags(SegmentSent s, String... names) {
        return s.segment().flags().equals(List.of(names));
    }

    private void awaitState(HostName host, String c, TcpState state, long ms) throws InterruptedException {
        rec.await(
                LabEvent.StateChanged.class, s -> s.host() == host && c.equals(s.connection()) && s.to() == state, ms);
    }

    @Test
    void ourStackConnectsToLinuxWithItsFixedIsnAndTheHostNamespaceIsUntouched() throws Exception {
        String hostBefore = RootOnly.hostNetwork();
        String namespace;
        try (TapLab lab = start("server")) {
            namespace = lab.namespace().name();
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 8080);
            String c = lab.connect(ours, 40000, 8080, SeqNum.of(1000), null);
            SegmentSent syn = rec.await(SegmentSent.class, s -> s.from() == ours && flags(s, "SYN"), 3000);
            assertThat(syn.segment().seq()).isEqualTo(1000);
            SegmentSent synAck = rec.await(SegmentSent.class, s -> s.from() == linux && flags(s, "ACK", "SYN"), 3000);
            assertThat(synAck.segment().ack()).isEqualTo(1001);
            awaitState(ours, c, TcpState.ESTABLISHED, 3000);
            awaitState(linux, c, TcpState.ESTABLISHED, 3000);
            assertThat(lab.ourState(c)).isEqualTo(TcpState.ESTABLISHED);
            assertThat(lab.linuxState(c)).isEqualTo(TcpState.ESTABLISHED);
        }
        assertThat(NetNamespace.list()).doesNotContain(namespace);
        assertThat(RootOnly.hostNetwork()).isEqualTo(hostBefore);
    }

    @Test
    void linuxConnectsToOurStackWhichAnswersWithItsFixedIsn() throws Exception {
        try (TapLab lab = start("client")) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            assertThat(ours).isEqualTo(HostName.SERVER);
            lab.listen(ours, 80);
            String c = lab.connect(linux, 0, 80, null, SeqNum.of(5000));
            SegmentSent synAck = rec.await(SegmentSent.class, s -> s.from() == ours && flags(s, "ACK", "SYN"), 3000);
            assertThat(synAck.segment().seq()).isEqualTo(5000);
            SegmentSent ack = rec.await(SegmentSent.class, s -> s.from() == linux && flags(s, "ACK"), 3000);
            assertThat(ack.segment().ack()).isEqualTo(5001);
            awaitState(ours, c, TcpState.ESTABLISHED, 3000);
            awaitState(linux, c, TcpState.ESTABLISHED, 3000);
        }
    }

    @Test
    void ourStackRefusesLinuxsSynToAClosedPort() throws Exception {
        try (TapLab lab = start("client")) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            String c = lab.connect(linux, 0, 81, null, null);
            SegmentSent syn = rec.await(SegmentSent.class, s -> s.from() == linux && flags(s, "SYN"), 3000);
            SegmentSent rst = rec.await(SegmentSent.class, s -> s.from() == ours, 3000);
            assertThat(rst.segment().flags()).containsExactly("ACK", "RST");
            assertThat(rst.segment().ack()).isEqualTo(syn.segment().seq() + 1 & 0xffffffffL);
            LabEvent.ErrorRaised refused = rec.await(LabEvent.ErrorRaised.class, e -> e.host() == linux, 3000);
            assertThat(refused.error()).isEqualTo("refused");
            assertThat(refused.connection()).isEqualTo(c);
        }
    }

    @Test
    void ourSynToAClosedLinuxPortDrawsRstAckAndOurConnectionIsRefused() throws Exception {
        try (TapLab lab = start("server")) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            String c = lab.connect(ours, 40000, 7777, SeqNum.of(99), null);
            SegmentSent rst = rec.await(SegmentSent.class, s -> s.from() == linux, 3000);
            assertThat(rst.segment().flags()).containsExactly("ACK", "RST");
            assertThat(rst.segment().ack()).isEqualTo(100);
            LabEvent.ErrorRaised refused = rec.await(LabEvent.ErrorRaised.class, e -> e.host() == ours, 3000);
            assertThat(refused.connection()).isEqualTo(c);
            assertThat(refused.error()).isEqualTo("refused");
            assertThat(lab.ourState(c)).isEqualTo(TcpState.CLOSED);
            // Linux never had this connection: its side refuses user calls instead of waiting forever.
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> lab.send(c, linux, new byte[1]))
                    .isInstanceOf(org.tcplab.engine.tcp.TcpUserException.class);
        }
    }

    @Test
    void aSynCraftedAsIfFromLinuxDrawsOurSynAckWhichTheRealKernelResets() throws Exception {
        try (TapLab lab = start("client")) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(ours, 80);
            java.util.concurrent.CountDownLatch scheduled = new java.util.concurrent.CountDownLatch(1);
            lab.schedule(lab.nowUs() + 20_000, scheduled::countDown);
            assertThat(scheduled.await(2, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            long id = lab.inject(
                    linux,
                    org.tcplab.engine.wire.TcpSegment.builder(5555, 80)
                            .seq(100)
                            .flags(org.tcplab.engine.wire.TcpFlag.SYN)
                            .window(1000)
                            .build(),
                    0);
            SegmentSent crafted = rec.await(SegmentSent.class, s -> s.segmentId() == id, 3000);
            assertThat(crafted.note()).isEqualTo("crafted");
            assertThat(crafted.from()).isEqualTo(linux);
            SegmentSent synAck = rec.await(SegmentSent.class, s -> s.from() == ours && flags(s, "ACK", "SYN"), 3000);
            assertThat(synAck.segment().ack()).isEqualTo(101);
            // The kernel never sent that SYN: RFC 9293 §3.10.7.1, a segment for no connection draws RST.
            SegmentSent rst = rec.await(
                    SegmentSent.class,
                    s -> s.from() == linux && s.segment().flags().contains("RST"),
                    3000);
            assertThat(rst.segment().seq()).isEqualTo(synAck.segment().ack());
            assertThat(rst.note()).isNull();
        }
    }

    @Test
    void tenMegabytesEachWayArriveIntact() throws Exception {
        int size = 10 * 1024 * 1024;
        byte[] up = random(size, 1);
        byte[] down = random(size, 2);
        try (TapLab lab = start("server")) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 8080);
            String c = lab.connect(ours, 40000, 8080, null, null);
            awaitState(ours, c, TcpState.ESTABLISHED, 3000);
            for (int off = 0; off < size; off += 1 << 20) {
                lab.send(c, ours, java.util.Arrays.copyOfRange(up, off, off + (1 << 20)));
            }
            lab.send(c, linux, down);
            rec.await(LabEvent.DataDelivered.class, d -> d.host() == linux && d.total() == size, 60_000);
            rec.await(LabEvent.DataDelivered.class, d -> d.host() == ours && d.total() == size, 60_000);
            assertThat(sha256(lab.received(c, linux))).isEqualTo(sha256(up));
            assertThat(sha256(lab.received(c, ours))).isEqualTo(sha256(down));
        }
    }

    @Test
    void whenWeCloseFirstWePassThroughTimeWaitAndBothEndClosed() throws Exception {
        try (TapLab lab = start("server")) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 8080);
            String c = lab.connect(ours, 40000, 8080, null, null);
            awaitState(linux, c, TcpState.ESTABLISHED, 3000);
            lab.close(c, ours);
            awaitState(ours, c, TcpState.FIN_WAIT_2, 3000);
            awaitState(linux, c, TcpState.CLOSE_WAIT, 3000);
            lab.close(c, linux);
            awaitState(ours, c, TcpState.TIME_WAIT, 3000);
            awaitState(linux, c, TcpState.CLOSED, 3000);
            // 2 x MSL later (RFC 9293 §3.6) the TIME-WAIT timer deletes our TCB.
            awaitState(ours, c, TcpState.CLOSED, 3000);
            assertThat(lab.ourState(c)).isEqualTo(TcpState.CLOSED);
            assertThat(lab.linuxState(c)).isEqualTo(TcpState.CLOSED);
        }
    }

    @Test
    void whenLinuxClosesFirstWeGoThroughLastAckAndBothEndClosed() throws Exception {
        // Linux keeps TIME_WAIT a fixed 60 s; with no TIME_WAIT buckets in this namespace its socket
        // closes at once instead (the kernel logs "time wait bucket table overflow").
        TapLabConfig config = TapLabConfig.defaults("server").withSysctl("net.ipv4.tcp_max_tw_buckets", "0");
        try (TapLab lab = start(config)) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 8080);
            String c = lab.connect(ours, 40000, 8080, null, null);
            awaitState(linux, c, TcpState.ESTABLISHED, 3000);
            lab.close(c, linux);
            awaitState(ours, c, TcpState.CLOSE_WAIT, 3000);
            lab.close(c, ours);
            awaitState(ours, c, TcpState.LAST_ACK, 3000);
            awaitState(ours, c, TcpState.CLOSED, 3000);
            awaitState(linux, c, TcpState.CLOSED, 3000);
        }
    }

    @Test
    void abortsFromEitherSideAreRstsTheOtherSideReportsAsReset() throws Exception {
        try (TapLab lab = start("client")) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(ours, 80);
            String first = lab.connect(linux, 0, 80, null, null);
            awaitState(linux, first, TcpState.ESTABLISHED, 3000);
            awaitState(ours, first, TcpState.ESTABLISHED, 3000);
            // SO_LINGER 0 then close: Linux sends RST, our stack drops the connection.
            lab.abort(first, linux);
            SegmentSent rst = rec.await(
                    SegmentSent.class,
                    s -> s.from() == linux && s.segment().flags().contains("RST"),
                    3000);
            assertThat(rst.connection()).isEqualTo(first);
            awaitState(ours, first, TcpState.CLOSED, 3000);
            LabEvent.ErrorRaised oursReset =
                    rec.await(LabEvent.ErrorRaised.class, e -> e.host() == ours && first.equals(e.connection()), 3000);
            assertThat(oursReset.error()).as(oursReset.detail()).isEqualTo("reset");

            String second = lab.connect(linux, 0, 80, null, null);
            awaitState(ours, second, TcpState.ESTABLISHED, 3000);
            awaitState(linux, second, TcpState.ESTABLISHED, 3000);
            lab.abort(second, ours);
            rec.await(
                    SegmentSent.class,
                    s -> s.from() == ours
                            && second.equals(s.connection())
                            && s.segment().flags().contains("RST"),
                    3000);
            awaitState(linux, second, TcpState.CLOSED, 3000);
            // The detail carries the Java exception's words, which say why a kind other than reset came.
            LabEvent.ErrorRaised linuxReset = rec.await(
                    LabEvent.ErrorRaised.class, e -> e.host() == linux && second.equals(e.connection()), 3000);
            assertThat(linuxReset.error()).as(linuxReset.detail()).isEqualTo("reset");
        }
    }

    @Test
    void whenLinuxStopsReadingItsWindowClosesAndOurPersistTimerProbes() throws Exception {
        try (TapLab lab = start("server")) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 8080);
            String c = lab.connect(ours, 40000, 8080, null, null);
            awaitState(linux, c, TcpState.ESTABLISHED, 3000);
            lab.setReading(c, linux, false);
            lab.send(c, ours, random(8 << 20, 8));
            SegmentSent zero = rec.await(
                    SegmentSent.class, s -> s.from() == linux && s.segment().window() == 0, 20_000);
            assertThat(zero.connection()).isEqualTo(c);
            rec.await(
                    LabEvent.TimerChanged.class,
                    t -> t.host() == ours
                            && t.timer() == org.tcplab.engine.tcp.TimerKind.PERSIST
                            && t.action() == LabEvent.TimerAction.ARMED,
                    5000);
            lab.setReading(c, linux, true);
            rec.await(LabEvent.DataDelivered.class, d -> d.host() == linux && d.total() == 8 << 20, 60_000);
        }
    }

    @Test
    void droppingLinuxsSynAckStillEndsEstablishedAfterItsRetransmission() throws Exception {
        try (TapLab lab = start("server")) {
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
            SegmentSent first = rec.await(SegmentSent.class, s -> s.from() == linux && flags(s, "ACK", "SYN"), 3000);
            rec.await(LabEvent.SegmentDropped.class, d -> d.segmentId() == first.segmentId(), 1000);
            SegmentSent again = rec.await(
                    SegmentSent.class,
                    s -> s.from() == linux && flags(s, "ACK", "SYN") && s.segmentId() != first.segmentId(),
                    5000);
            assertThat(again.retransmission()).isTrue();
            assertThat(again.timeUs() - first.timeUs()).isBetween(800_000L, 3_000_000L);
            awaitState(ours, c, TcpState.ESTABLISHED, 3000);
            awaitState(linux, c, TcpState.ESTABLISHED, 3000);
        }
    }

    @Test
    void oneMegabyteSurvivesFivePercentNetemLossInsideTheNamespace() throws Exception {
        try (TapLab lab = start("server")) {
            try {
                lab.namespace().tc("qdisc", "add", "dev", TapLink.DEVICE, "root", "netem", "loss", "5%");
            } catch (TapException e) {
                // Visible skip: this kernel lacks sch_netem; the seeded 5% drop-fault test beside this one covers loss.
                org.junit.jupiter.api.Assumptions.abort("netem is not available in this kernel: " + e.getMessage());
            }
            transferBothWays(lab, 1 << 20);
        }
    }

    @Test
    void oneMegabyteSurvivesFivePercentSeededLossBothWays() throws Exception {
        // RFC 6298's 1 s minimum RTO would make each lost tail segment cost a second: use Linux's 200 ms.
        TapLabConfig config = TapLabConfig.defaults("server").withSeed(7);
        try (TapLab lab = start(config.withTcp(config.tcp().withMinRtoUs(200_000)))) {
            lab.addFault(new FaultRule(0, Direction.BOTH, null, null, null, 1, 0, 0.05, FaultAction.DROP, 0));
            transferBothWays(lab, 1 << 20);
            assertThat(rec.all(LabEvent.SegmentDropped.class)).isNotEmpty();
        }
    }

    private void transferBothWays(TapLab lab, int size) throws Exception {
        HostName ours = lab.ourHost();
        HostName linux = lab.linuxHost();
        byte[] up = random(size, 3);
        byte[] down = random(size, 4);
        lab.listen(linux, 8080);
        String c = lab.connect(ours, 40000, 8080, null, null);
        awaitState(ours, c, TcpState.ESTABLISHED, 10_000);
        lab.send(c, ours, up);
        lab.send(c, linux, down);
        rec.await(LabEvent.DataDelivered.class, d -> d.host() == linux && d.total() == size, 60_000);
        rec.await(LabEvent.DataDelivered.class, d -> d.host() == ours && d.total() == size, 60_000);
        assertThat(sha256(lab.received(c, linux))).isEqualTo(sha256(up));
        assertThat(sha256(lab.received(c, ours))).isEqualTo(sha256(down));
    }

    @Test
    void aCaptureOnTheTapSeesEverySegmentOurLogSaysWasSentAndNoOther() throws Exception {
        try (TapLab lab = start("server");
                Witness witness = new Witness(lab.namespace(), TapLink.DEVICE)) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 8080);
            String c = lab.connect(ours, 40000, 8080, null, null);
            awaitState(ours, c, TcpState.ESTABLISHED, 3000);
            lab.send(c, ours, random(100_000, 5));
            lab.send(c, linux, random(50_000, 6));
            rec.await(LabEvent.DataDelivered.class, d -> d.host() == linux && d.total() == 100_000, 10_000);
            rec.await(LabEvent.DataDelivered.class, d -> d.host() == ours && d.total() == 50_000, 10_000);
            lab.close(c, ours);
            lab.close(c, linux);
            awaitState(ours, c, TcpState.CLOSED, 5000);
            List<String> logged = rec.all(SegmentSent.class).stream()
                    .map(s -> s.segment().bytes())
                    .toList();
            List<String> seen = witness.tcpSegments(logged.size(), 3000);
            assertThat(witness.dropped()).as("packets the capture itself lost").isZero();
            assertThat(seen).containsExactlyInAnyOrderElementsOf(logged);
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return org.tcplab.engine.wire.Hex.of(
                MessageDigest.getInstance("SHA-256").digest(b));
    }
}
