package org.tcplab.engine.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * One pass over a conversation's segments in capture order, per direction, as Wireshark's TCP
 * analysis does it: the handshake and its options, retransmissions (and which first copies were
 * probably lost: sent again before the receiver acknowledged them), duplicate ACKs, out-of-order
 * segments, data the capture missed, zero windows, segmentation offload, checksums. Yields a fact
 * sheet per segment and narration lines; bounded memory per direction.
 */
final class SegmentAnalysis {

    /** What the analysis says about one segment. */
    static final class Facts {
        boolean retransmission;
        /** Sent again before the receiver acknowledged it: treated as not delivered. */
        boolean lost;
    }

    /** A narration line at segment {@code index}'s time. */
    record Said(int index, Words.Line line) {}

    /** What one side sent so far. */
    static final class Side {
        final boolean client;
        SeqNum isn;
        int synCount;
        int lastSynIndex = -1;

        int mss = -1;
        int wsShift = -1;
        boolean sackPermitted;
        boolean timestamps;
        /** One past the highest sequence number sent (SYN and FIN included). */
        SeqNum highEnd;
        /** Sequence ranges skipped so far (a segment beyond highEnd): later segments inside fill them. */
        final List<SeqNum[]> holes = new ArrayList<>();
        /** The last transmission starting at each sequence number (LRU-bounded). */
        final Map<Integer, Integer> lastByStart = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Integer> e) {
                return size() > 65_536;
            }
        };

        SeqNum maxAck;
        SeqNum lastAck;
        int lastWindow = -1;
        int dupAcks;
        boolean zeroWindow;
        boolean windowNarrated;
        boolean tsoNarrated;
        long checksumOk;
        long checksumBad;

        Side(boolean client) {
            this.client = client;
        }

        SeqNum relBase() {
            return isn != null ? isn : SeqNum.ZERO;
        }
    }

    static final int MAX_PER_STEP = 8;

    final Facts[] facts;
    final List<Said> said = new ArrayList<>();
    final Side client = new Side(true);
    final Side server = new Side(false);
    /** Index of the client's ACK that completed the handshake, or -1. */
    int handshakeAck = -1;

    private final Map<String, Long> perStep = new LinkedHashMap<>();
    /** Segments sent again before the receiver acknowledged them: {first copy, retransmission}. */
    private final List<int[]> resent = new ArrayList<>();

    private final TcpHeader[] h;
    private final boolean[] fromClient;
    private final long[] timeUs;

    /** How many of the receiver's segments {@link #markLost} looks at per retransmission. */
    private static final int MAX_EVIDENCE_SCAN = 256;

    SegmentAnalysis(TcpHeader[] h, boolean[] fromClient, long[] timeUs, CapturedTcp[] parsed, boolean midConnection) {
        this.h = h;
        this.fromClient = fromClient;
        this.timeUs = timeUs;
        facts = new Facts[h.length];
        for (int i = 0; i < h.length; i++) facts[i] = new Facts();
        checksums(h, fromClient, parsed);
        if (midConnection) {
            // Relative numbers count from the first byte each side is seen to send (as Wireshark does).
            for (int i = 0; i < h.length; i++) {
                Side s = fromClient[i] ? client : server;
                if (s.isn == null) s.isn = h[i].seq().minus(1);
            }
        }
        for (int i = 0; i < h.length; i++) {
            Side s = fromClient[i] ? client : server;
            Side peer = fromClient[i] ? server : client;
            TcpSegment seg = parsed[i].segment();
            handshake(i, h, s, peer, seg, timeUs);
            sequence(i, h[i], s, peer, timeUs);
            acknowledgment(i, h[i], s, peer);
            window(i, h[i], s, peer);
        }
    }

    /**
     * Which first copies of retransmitted segments did not arrive. A retransmission alone does not
     * say: the first copy may have been lost, or the receiver's acknowledgment of it. So:
     *
     * <ul>
     *   <li>SYN and SYN,ACK are answered at once by a stack that receives them: sent again with no
     *       answer in between, the first copy is taken as lost.
     *   <li>Data and FIN: lost only on evidence, a segment the receiver sent after the first copy
     *       reached it (by the estimated delays) that does not acknowledge it (a duplicate ACK, say).
     *       Without such evidence the acknowledgment may as well have been the one lost.
     * </ul>
     *
     * @param clientDelayUs how long segments take between the client and the capture point
     */
    void markLost(long clientDelayUs, long serverDelayUs) {
        for (int[] pair : resent) {
            int first = pair[0];
            int again = pair[1];
            if (facts[first].lost) continue;
            TcpHeader f = h[first];
            boolean client = fromClient[first];
            boolean lost;
            if (f.syn()) {
                lost = true;
            } else {
                long toReceiver = client ? serverDelayUs : clientDelayUs;
                long arrived = timeUs[first] + toReceiver;
                lost = false;
                int scanned = 0;
                for (int k = first + 1; k < again && scanned < MAX_EVIDENCE_SCAN; k++) {
                    if (fromClient[k] == client) continue;
                    scanned++;
                    if (!h[k].hasAck() || h[k].syn()) continue;
                    if (h[k].ack().greaterThan(f.seq())) break; // it did arrive
                    if (timeUs[k] - toReceiver >= arrived) {
                        lost = true; // sent after the first copy arrived, and not acknowledging it
                        break;
                    }
                }
            }
            if (!lost) continue;
            facts[first].lost = true;
            String what =
                    f.syn() ? (f.hasAck() ? "SYN,ACK" : "SYN") : f.fin() && f.payloadLength() == 0 ? "FIN" : "segment";
            String zhWhat =
                    f.syn() ? (f.hasAck() ? "SYN,ACK" : "SYN") : f.fin() && f.payloadLength() == 0 ? "FIN" : "报文段";
            say(first, Words.lost(client, what, zhWhat));
        }
    }

    void say(int index, Words.Line line) {
        long n = perStep.merge(line.step(), 1L, Long::sum);
        if (n <= MAX_PER_STEP) said.add(new Said(index, line));
    }

    /** "... and N more" for every step that said more than {@link #MAX_PER_STEP}. */
    List<Words.Line> overflow() {
        List<Words.Line> out = new ArrayList<>();
        perStep.forEach((step, n) -> {
            if (n > MAX_PER_STEP) out.add(Words.more(step, n - MAX_PER_STEP));
        });
        return out;
    }

    /**
     * Wrong checksums are narrated, not acted on. On the sending host a capture sees segments before
     * the network card fills their checksum in (offload), and on loopback Linux leaves most of them
     * unfilled (it computes some itself, e.g. answers from TIME-WAIT): so a wrong checksum in a
     * capture is nearly always an artefact. A segment really corrupted on the way is dropped by its
     * receiver and sent again, which {@link #markLost} sees like any other loss.
     */
    private void checksums(TcpHeader[] h, boolean[] fromClient, CapturedTcp[] parsed) {
        long truncated = 0;
        int firstTruncated = -1;
        int firstBad = -1;
        for (int i = 0; i < h.length; i++) {
            Side s = fromClient[i] ? client : server;
            switch (parsed[i].checksum()) {
                case OK -> s.checksumOk++;
                case BAD -> {
                    s.checksumBad++;
                    if (firstBad < 0) firstBad = i;
                }
                case UNVERIFIABLE -> {
                    truncated++;
                    if (firstTruncated < 0) firstTruncated = i;
                }
            }
        }
        if (client.checksumBad > 0 && server.checksumBad > 0) {
            say(
                    firstBad,
                    Words.checksumBothSides(
                            client.checksumBad + server.checksumBad, client.checksumOk + server.checksumOk));
        } else if (client.checksumBad > 0 || server.checksumBad > 0) {
            Side s = client.checksumBad > 0 ? client : server;
            say(firstBad, Words.checksumOffload(s.client, s.checksumBad, s.checksumOk));
        }
        if (truncated > 0) say(firstTruncated, Words.snaplen(truncated));
    }

    private void handshake(int i, TcpHeader[] all, Side s, Side peer, TcpSegment seg, long[] t) {
        TcpHeader h = all[i];
        if (h.syn()) {
            if (s.isn == null || (s.synCount == 0 && !h.seq().equals(s.isn))) {
                s.isn = h.seq();
                s.synCount = 1;
                s.lastSynIndex = i;
                if (seg != null) options(s, seg);
                if (!h.hasAck()) {
                    say(i, Words.syn(s.client, h.seq().value(), offered(s)));
                } else {
                    // Its SYN is not captured: the SYN,ACK's acknowledgment number gives the peer's ISN.
                    if (peer.isn == null) peer.isn = h.ack().minus(1);
                    say(i, Words.synAck(s.client, h.seq().value(), h.ack().value(), peer.isn.value(), offered(s)));
                }
            } else if (h.seq().equals(s.isn) && s.lastSynIndex >= 0 && all[s.lastSynIndex].hasAck() != h.hasAck()) {
                s.lastSynIndex = i; // simultaneous open: this side's SYN,ACK after its SYN
                if (h.hasAck() && peer.isn != null) {
                    say(i, Words.synAck(s.client, h.seq().value(), h.ack().value(), peer.isn.value(), offered(s)));
                }
            } else if (h.seq().equals(s.isn)) {
                s.synCount++;
                say(
                        i,
                        h.hasAck()
                                ? Words.synAckRetransmitted(s.client, t[i] - t[s.lastSynIndex], s.synCount)
                                : Words.synRetransmitted(s.client, t[i] - t[s.lastSynIndex], s.synCount));
                s.lastSynIndex = i;
            }
            return;
        }
        if (handshakeAck < 0
                && s.client
                && h.hasAck()
                && peer.isn != null
                && peer.synCount > 0
                && client.lastSynIndex >= 0
                && h.ack().equals(peer.isn.plus(1))) {
            handshakeAck = i;
            // At the capture point a round trip is the client's last SYN to its ACK of the SYN,ACK.
            say(i, Words.handshakeDone(t[i] - t[client.lastSynIndex]));
            say(i, negotiation());
        }
    }

    private static void options(Side s, TcpSegment seg) {
        seg.option(TcpOption.MaxSegmentSize.class).ifPresent(m -> s.mss = m.mss());
        seg.option(TcpOption.WindowScale.class).ifPresent(w -> s.wsShift = Math.min(14, w.shift()));
        s.sackPermitted = seg.option(TcpOption.SackPermitted.class).isPresent();
        s.timestamps = seg.option(TcpOption.Timestamps.class).isPresent();
    }

    private static String offered(Side s) {
        List<String> parts = new ArrayList<>();
        if (s.mss >= 0) parts.add("MSS " + s.mss);
        if (s.wsShift >= 0) parts.add("window scale 2^" + s.wsShift);
        if (s.sackPermitted) parts.add("SACK permitted");
        if (s.timestamps) parts.add("timestamps");
        return parts.isEmpty() ? "no options" : String.join(", ", parts);
    }

    boolean windowScaling() {
        return client.wsShift >= 0 && server.wsShift >= 0;
    }

    private Words.Line negotiation() {
        List<String> en = new ArrayList<>();
        List<String> zh = new ArrayList<>();
        int cm = client.mss >= 0 ? client.mss : 536;
        int sm = server.mss >= 0 ? server.mss : 536;
        en.add("MSS: the client takes segments of up to " + cm + " bytes, the server up to " + sm
                + (client.mss < 0 || server.mss < 0 ? " (536 where none was sent, RFC 9293 §3.7.1)" : ""));
        zh.add("MSS：客户端可接收最大 " + cm + " 字节的报文段，服务器最大 " + sm + " 字节"
                + (client.mss < 0 || server.mss < 0 ? "（未发送 MSS 的一方按 536 计，RFC 9293 §3.7.1）" : ""));
        if (windowScaling()) {
            en.add("window scaling on: the client's window fields count in units of 2^" + client.wsShift
                    + " bytes, the server's in 2^" + server.wsShift + " (RFC 7323)");
            zh.add("启用窗口扩大：客户端的窗口字段以 2^" + client.wsShift + " 字节为单位，服务器的以 2^" + server.wsShift + " 字节为单位（RFC 7323）");
        } else if (client.wsShift >= 0 || server.wsShift >= 0) {
            en.add("window scaling off: only one side offered it, so window fields mean bytes (at most 65,535)");
            zh.add("未启用窗口扩大：只有一方提供了该选项，窗口字段就是字节数（最多 65,535）");
        } else {
            en.add("no window scaling: window fields mean bytes (at most 65,535)");
            zh.add("没有窗口扩大：窗口字段就是字节数（最多 65,535）");
        }
        boolean sack = client.sackPermitted && server.sackPermitted;
        en.add(sack ? "SACK on (RFC 2018)" : "SACK off");
        zh.add(sack ? "启用 SACK（RFC 2018）" : "未启用 SACK");
        boolean ts = client.timestamps && server.timestamps;
        en.add(ts ? "timestamps on (RFC 7323): every segment carries 12 bytes of them" : "no timestamps");
        zh.add(ts ? "启用时间戳（RFC 7323）：每个报文段都带 12 字节的时间戳选项" : "没有时间戳");
        return Words.negotiated(
                "Agreed in the handshake: " + String.join("; ", en) + ".", "握手中协商的结果：" + String.join("；", zh) + "。");
    }

    /** Sequence space: retransmissions, out-of-order segments, gaps, and which first copies were lost. */
    private void sequence(int i, TcpHeader h, Side s, Side peer, long[] t) {
        int len = h.segLen();
        if (len == 0) return;
        SeqNum start = h.seq();
        SeqNum end = h.end();
        if (s.highEnd == null) {
            s.highEnd = end;
            s.lastByStart.put(start.raw(), i);
            return;
        }
        Integer before = s.lastByStart.get(start.raw());
        if (h.syn() && before != null && this.h[before].hasAck() != h.hasAck()) {
            // Simultaneous open (RFC 9293 figure 7): the SYN,ACK repeats the side's SYN number, answering the peer's
            // SYN.
            s.lastByStart.put(start.raw(), i);
            return;
        }
        if (start.lessThan(s.highEnd)) {
            if (fillsHole(s, start, end)) {
                say(i, Words.outOfOrder(s.client, start.distanceFrom(s.relBase())));
            } else {
                facts[i].retransmission = true;
                Integer previous = s.lastByStart.get(start.raw());
                if (previous != null) {
                    boolean acknowledged = peer.maxAck != null && peer.maxAck.greaterThan(start);
                    if (!acknowledged) resent.add(new int[] {previous, i});
                    if (!h.syn()) {
                        boolean fast = peer.dupAcks >= 3 && peer.lastAck != null && peer.lastAck.equals(start);
                        say(
                                i,
                                Words.retransmission(
                                        s.client,
                                        start.distanceFrom(s.relBase()),
                                        h.payloadLength(),
                                        t[i] - t[previous],
                                        fast));
                    }
                }
            }
        } else if (start.greaterThan(s.highEnd)) {
            if (s.holes.size() >= 64) s.holes.remove(0);
            s.holes.add(new SeqNum[] {s.highEnd, start});
            say(i, Words.captureMissed(s.client, start.distanceFrom(s.highEnd)));
        }
        if (end.greaterThan(s.highEnd)) s.highEnd = end;
        s.lastByStart.put(start.raw(), i);
        if (!s.tsoNarrated && peer.mss > 0 && h.payloadLength() > peer.mss) {
            s.tsoNarrated = true;
            say(i, Words.segmentationOffload(s.client, h.payloadLength(), peer.mss));
        }
    }

    private static boolean fillsHole(Side s, SeqNum start, SeqNum end) {
        for (int k = 0; k < s.holes.size(); k++) {
            SeqNum[] hole = s.holes.get(k);
            if (start.greaterOrEqual(hole[0]) && start.lessThan(hole[1])) {
                // The part below start stays a hole; the part above end too.
                s.holes.remove(k);
                if (start.greaterThan(hole[0])) s.holes.add(new SeqNum[] {hole[0], start});
                if (end.lessThan(hole[1])) s.holes.add(new SeqNum[] {end, hole[1]});
                return true;
            }
        }
        return false;
    }

    /** The acknowledgments this side sends about the peer's data: duplicates, and bytes the capture missed. */
    private void acknowledgment(int i, TcpHeader h, Side s, Side peer) {
        if (!h.hasAck()) return;
        SeqNum ack = h.ack();
        boolean pure = h.payloadLength() == 0 && !h.syn() && !h.fin() && !h.rst();
        if (pure
                && s.lastAck != null
                && ack.equals(s.lastAck)
                && h.window() == s.lastWindow
                && peer.highEnd != null
                && peer.highEnd.greaterThan(ack)) {
            s.dupAcks++;
            if (s.dupAcks == 3) say(i, Words.duplicateAcks(s.client, ack.distanceFrom(peer.relBase()), s.dupAcks));
        } else if (s.lastAck == null || !ack.equals(s.lastAck)) {
            s.dupAcks = 0;
        }
        if (peer.highEnd != null
                && ack.greaterThan(peer.highEnd)
                && ack.distanceFrom(peer.highEnd) <= SideObserver.MAX_GAP) {
            say(i, Words.ackedUnseen(s.client, ack.distanceFrom(peer.highEnd)));
            peer.highEnd = ack;
        }
        if (s.maxAck == null || ack.greaterThan(s.maxAck)) s.maxAck = ack;
        s.lastAck = ack;
    }

    /** Zero windows, their reopening, and the first scaled window of each side. */
    private void window(int i, TcpHeader h, Side s, Side peer) {
        if (h.syn() || h.rst()) {
            s.lastWindow = h.window();
            return;
        }
        int shift = windowScaling() ? s.wsShift : 0;
        if (h.window() == 0 && !s.zeroWindow) {
            s.zeroWindow = true;
            say(i, Words.zeroWindow(s.client));
        } else if (h.window() > 0 && s.zeroWindow) {
            s.zeroWindow = false;
            say(i, Words.windowOpens(s.client, (long) h.window() << shift));
        }
        if (!s.windowNarrated && windowScaling() && shift > 0 && h.window() > 0) {
            s.windowNarrated = true;
            say(i, Words.scaledWindow(s.client, h.window(), shift));
        }
        s.lastWindow = h.window();
    }
}
