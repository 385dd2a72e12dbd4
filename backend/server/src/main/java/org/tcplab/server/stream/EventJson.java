package org.tcplab.server.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.wire.Hex;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.WireSegment;

/**
 * The event schema of lab-api.md and the team brief: {@code {id, time, type, connection?}} plus the
 * record's fields, times in milliseconds, hosts/states/timers by their schema spellings. The only
 * place that knows these JSON names on the server.
 */
public final class EventJson {

    private EventJson() {}

    public static double ms(long us) {
        return us / 1000.0;
    }

    public static Map<String, Object> toMap(LoggedEvent logged) {
        LabEvent e = logged.event();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", logged.id());
        m.put("time", ms(e.timeUs()));
        m.put("type", e.type());
        if (e.connection() != null) {
            m.put("connection", e.connection());
        }
        if (e instanceof LabEvent.SegmentSent s) {
            m.put("segmentId", s.segmentId());
            m.put("from", s.from().id());
            m.put("to", s.to().id());
            m.put("retransmission", s.retransmission());
            m.put("probe", s.probe());
            m.put("segment", segment(s.segment()));
            if (s.note() != null) m.put("note", s.note());
        } else if (e instanceof LabEvent.SegmentDelivered s) {
            m.put("segmentId", s.segmentId());
            m.put("to", s.to().id());
        } else if (e instanceof LabEvent.SegmentDropped s) {
            m.put("segmentId", s.segmentId());
            if (s.at() != null) m.put("at", s.at().id());
            m.put("reason", s.reason());
        } else if (e instanceof LabEvent.StateChanged s) {
            m.put("host", s.host().id());
            m.put("from", s.from().name());
            m.put("to", s.to().name());
            m.put("cause", s.cause());
            if (s.inferred()) m.put("inferred", true);
        } else if (e instanceof LabEvent.TimerChanged t) {
            m.put("host", t.host().id());
            m.put("timer", t.timer().id());
            m.put("action", t.action().id());
            m.put("at", ms(t.atUs()));
        } else if (e instanceof LabEvent.DataDelivered d) {
            m.put("host", d.host().id());
            m.put("bytes", d.bytes());
            m.put("total", d.total());
        } else if (e instanceof LabEvent.ErrorRaised r) {
            m.put("host", r.host().id());
            m.put("error", r.error());
            m.put("detail", r.detail());
        } else if (e instanceof LabEvent.FaultApplied f) {
            m.put("faultId", f.faultId());
            m.put("segmentId", f.segmentId());
            m.put("action", f.action());
        } else if (e instanceof LabEvent.AckSuppressed a) {
            m.put("host", a.host().id());
            m.put("reason", a.reason().id());
            m.put("detail", a.detail());
        } else if (e instanceof LabEvent.CongestionChanged c) {
            m.put("host", c.host().id());
            m.put("cwnd", c.cwnd());
            m.put("ssthresh", c.ssthresh());
            m.put("cause", c.cause());
        } else if (e instanceof LabEvent.Note n) {
            m.put("text", n.text());
        } else if (e instanceof LabEvent.Narration n) {
            m.put("step", n.step());
            m.put("en", n.en());
            m.put("zh", n.zh());
        } else if (e instanceof LabEvent.QuizQuestion q) {
            m.put("question", q.question());
        } else if (e instanceof LabEvent.QuizRevealed r) {
            m.put("question", r.question());
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("from", r.from().id());
            expected.put("flags", r.flags().names());
            expected.put("seq", r.seq());
            expected.put("ack", r.ack());
            m.put("expected", expected);
            m.put("correct", r.correct());
            m.put("total", r.total());
        }
        return m;
    }

    public static Map<String, Object> segment(WireSegment w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("srcIp", w.srcIp());
        m.put("dstIp", w.dstIp());
        m.put("srcPort", w.srcPort());
        m.put("dstPort", w.dstPort());
        m.put("seq", w.seq());
        m.put("ack", w.ack());
        m.put("dataOffset", w.dataOffset());
        m.put("flags", w.flags());
        m.put("window", w.window());
        m.put("checksum", w.checksum());
        m.put("checksumOk", w.checksumOk());
        m.put("urgentPointer", w.urgentPointer());
        m.put("options", options(w.options()));
        m.put("payloadLength", w.payloadLength());
        m.put("bytes", w.bytes());
        m.put("ipHeader", w.ipHeader());
        m.put("malformed", w.malformed());
        return m;
    }

    public static List<Map<String, Object>> options(List<TcpOption> options) {
        List<Map<String, Object>> out = new ArrayList<>(options.size());
        for (TcpOption o : options) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (o instanceof TcpOption.MaxSegmentSize mss) {
                m.put("kind", "MSS");
                m.put("value", mss.mss());
            } else if (o instanceof TcpOption.WindowScale ws) {
                m.put("kind", "WS");
                m.put("value", ws.shift());
            } else if (o instanceof TcpOption.SackPermitted) {
                m.put("kind", "SACK_PERMITTED");
            } else if (o instanceof TcpOption.Sack sack) {
                m.put("kind", "SACK");
                List<Map<String, Object>> blocks = new ArrayList<>();
                for (TcpOption.SackBlock b : sack.blocks()) {
                    Map<String, Object> bm = new LinkedHashMap<>();
                    bm.put("left", b.left().value());
                    bm.put("right", b.right().value());
                    blocks.add(bm);
                }
                m.put("blocks", blocks);
            } else if (o instanceof TcpOption.Timestamps ts) {
                m.put("kind", "TS");
                m.put("value", ts.tsValUnsigned());
                m.put("echo", ts.tsEcrUnsigned());
            } else if (o instanceof TcpOption.NoOp) {
                m.put("kind", "NOP");
            } else if (o instanceof TcpOption.EndOfList) {
                m.put("kind", "EOL");
            } else if (o instanceof TcpOption.Unknown u) {
                m.put("kind", u.kind());
                m.put("data", Hex.of(u.data()));
            }
            out.add(m);
        }
        return out;
    }
}
