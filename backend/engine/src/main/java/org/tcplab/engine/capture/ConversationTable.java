package org.tcplab.engine.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcplab.engine.capture.CapturedSegment.Endpoint;

/**
 * Sorts segments into conversations by their two endpoints. A 4-tuple used again (a new SYN with a
 * new ISN after the old connection ended or gave up) starts a new conversation, as the kernel's
 * TIME-WAIT reuse does (RFC 9293 §3.4.1). Bounded: past {@link CaptureLimits} conversations and
 * segments are only counted.
 */
final class ConversationTable {

    /** Distinct left-out conversations remembered for counting; beyond this, only packets are counted. */
    private static final int MAX_LEFT_OUT_REMEMBERED = 100_000;

    private final CaptureLimits limits;
    private final List<Building> conversations = new ArrayList<>();
    private final Map<Pair, Building> current = new LinkedHashMap<>();
    private final Set<Pair> leftOutPairs = new LinkedHashSet<>();
    private long leftOutConversations;
    private long leftOutPackets;

    ConversationTable(CaptureLimits limits) {
        this.limits = limits;
    }

    /** The two endpoints regardless of direction. */
    private record Pair(Endpoint low, Endpoint high) {
        static Pair of(Endpoint a, Endpoint b) {
            return compare(a, b) <= 0 ? new Pair(a, b) : new Pair(b, a);
        }

        private static int compare(Endpoint a, Endpoint b) {
            int c = a.ip().compareTo(b.ip());
            return c != 0 ? c : Integer.compare(a.port(), b.port());
        }
    }

    /** A conversation while the capture is read. */
    private static final class Building {
        final int index;
        final List<CapturedSegment> segments = new ArrayList<>();
        long leftOut;
        Endpoint firstSynSender;
        long firstSynSeq;
        Endpoint synAckReceiver;
        boolean reset;
        final Set<Endpoint> finished = new LinkedHashSet<>(2);

        Building(int index) {
            this.index = index;
        }

        /** A new SYN on these ports: a new connection if this one ended, or if it carries another ISN. */
        boolean replacedBy(CapturedSegment s, TcpHeader h) {
            if (reset || finished.size() == 2) return true;
            return s.src().equals(firstSynSender) && h.seq().value() != firstSynSeq;
        }

        void add(CapturedSegment s, TcpHeader h, int max) {
            if (segments.size() >= max) {
                leftOut++;
            } else {
                segments.add(s);
            }
            if (h.pureSyn() && firstSynSender == null) {
                firstSynSender = s.src();
                firstSynSeq = h.seq().value();
            }
            if (h.syn() && h.hasAck() && synAckReceiver == null) synAckReceiver = s.dst();
            if (h.rst()) reset = true;
            if (h.fin()) finished.add(s.src());
        }

        Conversation finish() {
            CapturedSegment first = segments.get(0);
            Endpoint client =
                    firstSynSender != null ? firstSynSender : synAckReceiver != null ? synAckReceiver : first.src();
            Endpoint server = client.equals(first.src()) ? first.dst() : first.src();
            return new Conversation(index, client, server, segments, leftOut);
        }
    }

    void add(CapturedSegment s) {
        Pair key = Pair.of(s.src(), s.dst());
        TcpHeader h = TcpHeader.of(s);
        Building b = current.get(key);
        if (b != null && h.pureSyn() && b.replacedBy(s, h)) {
            b = null;
        }
        if (b == null) {
            if (conversations.size() >= limits.maxConversations()) {
                leftOutPackets++;
                if (leftOutPairs.size() < MAX_LEFT_OUT_REMEMBERED && leftOutPairs.add(key)) leftOutConversations++;
                return;
            }
            b = new Building(conversations.size() + 1);
            conversations.add(b);
            current.put(key, b);
        }
        b.add(s, h, limits.maxSegmentsPerConversation());
    }

    List<Conversation> conversations() {
        List<Conversation> out = new ArrayList<>(conversations.size());
        for (Building b : conversations) out.add(b.finish());
        return out;
    }

    /** Conversations past the limit (at least this many: past 100,000 only packets are counted). */
    long leftOutConversations() {
        return leftOutConversations;
    }

    long leftOutPackets() {
        return leftOutPackets;
    }
}
