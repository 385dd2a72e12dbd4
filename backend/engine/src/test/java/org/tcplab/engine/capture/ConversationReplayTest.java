package org.tcplab.engine.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * Conversations written segment by segment (packetdrill style: who, when, flags, numbers), made
 * into a capture file and replayed: the states, drops and narration a teacher would expect.
 */
class ConversationReplayTest {

    static final String C = "10.0.0.1";
    static final String S = "10.0.0.2";
    static final int CP = 40000;
    static final int SP = 80;

    /** A capture being written: each segment at a time in milliseconds. */
    static final class Script {
        final List<CaptureBytes.Frame> frames = new ArrayList<>();

        Script c(long ms, TcpSegment.Builder b) {
            frames.add(frame(ms, C, S, b.ports(CP, SP).build()));
            return this;
        }

        Script s(long ms, TcpSegment.Builder b) {
            frames.add(frame(ms, S, C, b.ports(SP, CP).build()));
            return this;
        }

        Script raw(long ms, byte[] packet) {
            frames.add(new CaptureBytes.Frame(1_700_000_000_000_000_000L + ms * 1_000_000, packet));
            return this;
        }

        static CaptureBytes.Frame frame(long ms, String src, String dst, TcpSegment seg) {
            return new CaptureBytes.Frame(
                    1_700_000_000_000_000_000L + ms * 1_000_000, CaptureBytes.ipv4(src, dst, seg));
        }

        CaptureImport.Result imported() {
            return CaptureImport.read(ByteBuffer.wrap(CaptureBytes.pcap(101, frames)), CaptureLimits.defaults());
        }

        ConversationReplay.Result replay() {
            CaptureImport.Result r = imported();
            assertThat(r.conversations()).hasSize(1);
            return ConversationReplay.replay(r.conversations().get(0));
        }
    }

    static TcpSegment.Builder seg(long seq) {
        return TcpSegment.builder(0, 0).seq(seq).window(65535);
    }

    static TcpSegment.Builder syn(long seq) {
        return seg(seq).flags(TcpFlag.SYN).options(new TcpOption.MaxSegmentSize(1460));
    }

    static List<TcpState> states(ConversationReplay.Result r, HostName host) {
        List<TcpState> out = new ArrayList<>();
        for (LabEvent e : r.events()) {
            if (e instanceof LabEvent.StateChanged s && s.host() == host) {
                assertThat(s.inferred()).isTrue();
                out.add(s.to());
            }
        }
        return out;
    }

    static List<String> steps(ConversationReplay.Result r) {
        List<String> out = new ArrayList<>();
        for (LabEvent e : r.events()) if (e instanceof LabEvent.Narration n) out.add(n.step());
        return out;
    }

    static String narration(ConversationReplay.Result r, String step) {
        for (LabEvent e : r.events()) {
            if (e instanceof LabEvent.Narration n && n.step().equals(step)) return n.en() + " | " + n.zh();
        }
        return null;
    }

    @Test
    void aRefusedConnection() {
        ConversationReplay.Result r = new Script()
                .c(0, syn(100))
                .s(10, seg(0).ack(101).flags(TcpFlag.RST))
                .replay();
        assertThat(states(r, HostName.CLIENT)).containsExactly(TcpState.SYN_SENT, TcpState.CLOSED);
        // The server never listened: no state of its own, and its RST needs no TCB.
        assertThat(states(r, HostName.SERVER)).isEmpty();
        assertThat(narration(r, "rst")).contains("nothing listens on port 80").contains("端口 80 上没有进程在监听");
        assertThat(r.events()).anySatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(
                        LabEvent.ErrorRaised.class, x -> assertThat(x.error()).isEqualTo("refused")));
        assertThat(r.handshake().complete()).isFalse();
    }

    @Test
    void aLostSynAckIsDrawnLostAndTheStatesWait() {
        // Captured at the server: its SYN,ACK leaves, the client sends its SYN again, the server answers again.
        ConversationReplay.Result r = new Script()
                .c(0, syn(100))
                .s(0, syn(300).ack(101))
                .c(1000, syn(100))
                .s(1000, syn(300).ack(101))
                .c(1020, seg(101).ack(301))
                .replay();
        List<LabEvent.SegmentDropped> dropped = new ArrayList<>();
        for (LabEvent e : r.events()) if (e instanceof LabEvent.SegmentDropped d) dropped.add(d);
        assertThat(dropped).singleElement().satisfies(d -> {
            assertThat(d.segmentId()).isEqualTo(2); // the first SYN,ACK
            assertThat(d.reason()).isEqualTo("lost");
        });
        assertThat(states(r, HostName.CLIENT)).containsExactly(TcpState.SYN_SENT, TcpState.ESTABLISHED);
        assertThat(states(r, HostName.SERVER))
                .containsExactly(TcpState.LISTEN, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED);
        assertThat(steps(r)).contains("syn-retransmission", "lost", "handshake");
        // The client's ESTABLISHED comes with the second SYN,ACK, not the first.
        long established = -1;
        for (LabEvent e : r.events()) {
            if (e instanceof LabEvent.StateChanged s && s.host() == HostName.CLIENT && s.to() == TcpState.ESTABLISHED)
                established = s.timeUs();
        }
        assertThat(established).isGreaterThan(1_000_000);
    }

    @Test
    void aCaptureStartingMidConnectionStartsBothSidesEstablished() {
        ConversationReplay.Result r = new Script()
                .c(0, seg(5000).ack(9000).payload(new byte[100]))
                .s(5, seg(9000).ack(5100))
                .c(10, seg(5100).ack(9000).flags(TcpFlag.FIN))
                .s(15, seg(9000).ack(5101).flags(TcpFlag.FIN))
                .c(20, seg(5101).ack(9001))
                .replay();
        assertThat(states(r, HostName.CLIENT))
                .containsExactly(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.TIME_WAIT);
        assertThat(states(r, HostName.SERVER))
                .containsExactly(TcpState.ESTABLISHED, TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSED);
        assertThat(narration(r, "mid-connection")).contains("starts mid-connection");
        assertThat(r.handshake()).isNull();
        // No handshake, but answers still measure the delays: the server ACKs data 5 ms after the capture saw it.
        assertThat(r.serverDelayUs()).isEqualTo(2_500);
        assertThat(r.clientDelayUs()).isEqualTo(2_500);
    }

    @Test
    void aSynAckWithoutItsSynStillOpensBothSides() {
        ConversationReplay.Result r =
                new Script().s(0, syn(300).ack(101)).c(10, seg(101).ack(301)).replay();
        assertThat(r.conversation().client().port()).isEqualTo(CP); // the SYN,ACK went to it
        assertThat(states(r, HostName.CLIENT)).containsExactly(TcpState.SYN_SENT, TcpState.ESTABLISHED);
        assertThat(states(r, HostName.SERVER))
                .containsExactly(TcpState.LISTEN, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED);
    }

    @Test
    void simultaneousOpen() {
        ConversationReplay.Result r = new Script()
                .c(0, syn(100))
                .s(0, syn(300))
                .c(10, syn(100).ack(301))
                .s(10, syn(300).ack(101))
                .replay();
        assertThat(states(r, HostName.CLIENT))
                .containsExactly(TcpState.SYN_SENT, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED);
        assertThat(states(r, HostName.SERVER))
                .containsExactly(TcpState.SYN_SENT, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED);
    }

    @Test
    void duplicateAcksAndAFastRetransmitAreNamed() {
        Script s = new Script().c(0, syn(100)).s(10, syn(300).ack(101)).c(20, seg(101).ack(301));
        long seq = 101;
        for (int i = 0; i < 6; i++) s.c(30 + i, seg(seq + 1000L * i).ack(301).payload(new byte[1000]));
        // The first data segment is lost: the server repeats ack 101 for the next four.
        for (int i = 0; i < 4; i++) s.s(40 + i, seg(301).ack(101));
        s.c(45, seg(101).ack(301).payload(new byte[1000])); // fast retransmit
        s.s(55, seg(301).ack(6101));
        ConversationReplay.Result r = s.replay();
        assertThat(narration(r, "duplicate-ack")).contains("for the 3rd time");
        assertThat(narration(r, "retransmission")).contains("fast retransmit after three duplicate ACKs");
        assertThat(narration(r, "lost")).contains("segment probably never arrived");
        assertThat(states(r, HostName.SERVER))
                .containsExactly(TcpState.LISTEN, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED);
    }

    @Test
    void zeroWindowAndItsReopening() {
        ConversationReplay.Result r = new Script()
                .c(0, syn(100))
                .s(10, syn(300).ack(101))
                .c(20, seg(101).ack(301).payload(new byte[500]))
                .s(30, seg(301).ack(601).window(0))
                .s(900, seg(301).ack(601).window(4000))
                .replay();
        assertThat(narration(r, "zero-window")).contains("zero window");
        assertThat(narration(r, "window-update")).contains("4,000 bytes");
    }

    @Test
    void checksumOffloadOnTheCapturingSideIsAnArtefactNotALoss() {
        byte[] syn = CaptureBytes.ipv4(C, S, syn(100).ports(CP, SP).build());
        syn[20 + 16] ^= 0x01;
        byte[] ack = CaptureBytes.ipv4(C, S, seg(101).ack(301).ports(CP, SP).build());
        ack[20 + 17] ^= 0x40;
        ConversationReplay.Result r =
                new Script().raw(0, syn).s(10, syn(300).ack(101)).raw(20, ack).replay();
        assertThat(narration(r, "checksum-offload")).contains("All 2 checksummed segments sent by the client");
        assertThat(r.events()).noneMatch(e -> e instanceof LabEvent.SegmentDropped);
        assertThat(states(r, HostName.SERVER)).contains(TcpState.ESTABLISHED);
        for (LabEvent e : r.events()) {
            if (e instanceof LabEvent.SegmentSent s && s.from() == HostName.CLIENT) {
                assertThat(s.segment().checksumOk()).isFalse();
            }
        }
    }

    @Test
    void aSegmentCutBySnaplenKeepsItsRealLength() {
        byte[] data = CaptureBytes.ipv4(
                C, S, seg(101).ack(301).payload(new byte[1000]).ports(CP, SP).build());
        ConversationReplay.Result r = new Script()
                .c(0, syn(100))
                .s(10, syn(300).ack(101))
                .raw(20, java.util.Arrays.copyOf(data, 96))
                .s(30, seg(301).ack(1101))
                .replay();
        LabEvent.SegmentSent cut = null;
        for (LabEvent e : r.events()) if (e instanceof LabEvent.SegmentSent s && s.segmentId() == 3) cut = s;
        assertThat(cut.segment().payloadLength()).isEqualTo(1000);
        assertThat(cut.segment().bytes()).hasSize(2 * 76);
        assertThat(cut.note()).isEqualTo("snaplen: 76 of 1020 TCP bytes captured");
        assertThat(narration(r, "snaplen")).contains("cut short by the capture's snapshot length");
        // Nothing is missing for the state machine: the server acknowledged all 1000 bytes.
        assertThat(steps(r)).doesNotContain("capture-gap");
    }

    @Test
    void dataTheCaptureMissedIsNamedAndBridged() {
        ConversationReplay.Result r = new Script()
                .c(0, syn(100))
                .s(10, syn(300).ack(101))
                .c(20, seg(101).ack(301))
                // 500 bytes from the client are not in the capture; the server acknowledges them.
                .s(40, seg(301).ack(601))
                .c(50, seg(601).ack(301).flags(TcpFlag.FIN))
                .s(60, seg(301).ack(602).flags(TcpFlag.FIN))
                .c(70, seg(602).ack(302))
                .replay();
        assertThat(narration(r, "capture-gap")).contains("acknowledges 500 bytes the capture never showed");
        assertThat(states(r, HostName.SERVER)).endsWith(TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSED);
        assertThat(states(r, HostName.CLIENT)).endsWith(TcpState.FIN_WAIT_2, TcpState.TIME_WAIT);
    }

    @Test
    void aReusedPortPairIsANewConversation() {
        CaptureImport.Result r = new Script()
                .c(0, syn(100))
                .s(10, seg(0).ack(101).flags(TcpFlag.RST))
                .c(1000, syn(5000))
                .s(1010, syn(300).ack(5001))
                .c(1020, seg(5001).ack(301))
                .imported();
        assertThat(r.conversations()).hasSize(2);
        assertThat(r.conversations().get(1).handshakeSeen()).isTrue();
    }

    @Test
    void limitsLeaveOutConversationsAndSegmentsAndSaySo() {
        Script s = new Script();
        for (int port = 1; port <= 5; port++) {
            s.frames.add(Script.frame(port, C, S, syn(100).ports(port, 80).build()));
        }
        for (int i = 0; i < 10; i++)
            s.frames.add(Script.frame(10 + i, C, S, syn(100).ports(1, 80).build()));
        CaptureImport.Result r =
                CaptureImport.read(ByteBuffer.wrap(CaptureBytes.pcap(101, s.frames)), new CaptureLimits(3, 4));
        assertThat(r.conversations()).hasSize(3);
        assertThat(r.leftOutConversations()).isEqualTo(2);
        Conversation first = r.conversations().get(0);
        assertThat(first.segments()).hasSize(4);
        assertThat(first.segmentCount()).isEqualTo(11);
        assertThat(narration(ConversationReplay.replay(first), "left-out"))
                .contains("has 11 segments; the lab shows the first 4 (tcplab.max-capture-segments)");
    }

    @Test
    void aFileWithoutTcpSaysWhatItHeld() {
        byte[] udp = CaptureBytes.ipv4(C, S, syn(1).ports(1, 2).build());
        udp[9] = 17;
        byte[] file = CaptureBytes.pcap(
                1,
                List.of(
                        new CaptureBytes.Frame(0, CaptureBytes.ethernet(udp, 0x0800)),
                        new CaptureBytes.Frame(0, CaptureBytes.ethernet(new byte[28], 0x0806)),
                        new CaptureBytes.Frame(0, CaptureBytes.ethernet(new byte[28], 0x0806))));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> CaptureImport.read(ByteBuffer.wrap(file), CaptureLimits.defaults()))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("the pcap file holds 3 packets and no TCP segment (1 UDP, 2 ARP): capture TCP traffic,"
                        + " e.g. tcpdump -i any -w hs.pcap port 80");
    }
}
