package org.tcplab.server.lab;

import java.util.ArrayList;
import java.util.List;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.wire.Hex;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.server.system.LabProblem;

/** JSON (milliseconds, names) to engine values (microseconds, types) and back. */
public final class LabMapping {

    private LabMapping() {}

    public static long us(double ms) {
        return Math.round(ms * 1000.0);
    }

    public static double ms(long us) {
        return us / 1000.0;
    }

    /** The engine's SimConfig from a create request: {@code tcp} for both hosts, then each host's own overrides. */
    public static SimConfig simConfig(LabSpec req, long seed) {
        SimConfig d = SimConfig.defaults(seed);
        LinkConfig link = linkConfig(req.link(), d.link());
        TcpConfig tcp = tcpConfig(req.tcp(), d.client());
        return new SimConfig(
                seed,
                link,
                tcpConfig(req.clientTcp(), tcp),
                tcpConfig(req.serverTcp(), tcp),
                d.clientIp(),
                d.serverIp());
    }

    /** {@code base} with the fields the request gives (ms in JSON, us in the engine); null keeps. */
    static LinkConfig linkConfig(LabSpec.Link l, LinkConfig base) {
        if (l == null) return base;
        return new LinkConfig(
                l.latencyMs() == null ? base.latencyUs() : us(l.latencyMs()),
                l.jitterMs() == null ? base.jitterUs() : us(l.jitterMs()),
                l.bandwidthKbps() == null ? base.bandwidthKbps() : l.bandwidthKbps(),
                l.mtu() == null ? base.mtu() : l.mtu(),
                base.queuePackets());
    }

    static TcpConfig tcpConfig(LabSpec.Tcp t, TcpConfig c) {
        if (t == null) return c;
        if (t.mss() != null) c = c.withMss(t.mss());
        if (t.window() != null) c = c.withWindow(t.window());
        if (t.windowScale() != null) c = c.withWindowScale(t.windowScale());
        if (t.sack() != null) c = c.withSack(t.sack());
        if (t.timestamps() != null) c = c.withTimestamps(t.timestamps());
        if (t.initialRtoMs() != null) c = c.withInitialRtoUs(us(t.initialRtoMs()));
        if (t.minRtoMs() != null) c = c.withMinRtoUs(us(t.minRtoMs()));
        if (t.synRetries() != null) c = c.withSynRetries(t.synRetries());
        if (t.synAckRetries() != null) c = c.withSynAckRetries(t.synAckRetries());
        if (t.mslMs() != null) c = c.withMslUs(us(t.mslMs()));
        if (t.twoWayHandshake() != null) c = c.withTwoWayHandshake(t.twoWayHandshake());
        if (t.delayedAck() != null) c = c.withDelayedAck(t.delayedAck());
        if (t.nagle() != null) c = c.withNagle(t.nagle());
        if (t.invalidAckIntervalMs() != null) c = c.withInvalidAckIntervalUs(us(t.invalidAckIntervalMs()));
        if (t.challengeAckLimit() != null) c = c.withChallengeAckLimit(t.challengeAckLimit());
        if (t.fourWayHandshake() != null) c = c.withFourWayHandshake(t.fourWayHandshake());
        return c;
    }

    /** A crafted segment from its JSON; bad values are 400s naming the field. */
    public static TcpSegment segment(LabRequests.Segment s) {
        TcpFlags flags = s.flags() == null ? TcpFlags.NONE : TcpFlags.parse(s.flags());
        TcpSegment.Builder b = TcpSegment.builder(s.srcPort(), s.dstPort())
                .seq(s.seq() == null ? 0 : s.seq())
                .rawFlags(flags)
                .window(s.window() == null ? 65535 : s.window())
                .urgentPointer(s.urgentPointer() == null ? 0 : s.urgentPointer());
        if (flags.ack()) {
            b.ack(s.ack() == null ? 0 : s.ack());
        } else if (s.ack() != null && s.ack() != 0) {
            throw LabProblem.badInput("segment.ack", "an ack number needs the ACK flag (RFC 9293 §3.1)");
        }
        if (s.options() != null) {
            List<TcpOption> options = new ArrayList<>();
            for (int i = 0; i < s.options().size(); i++) {
                options.add(option(s.options().get(i), "segment.options[" + i + "]"));
            }
            b.options(options);
        }
        if (s.text() != null) {
            b.payload(s.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return b.build();
    }

    static TcpOption option(LabRequests.Option o, String path) {
        String kind = o.kind().trim().toUpperCase(java.util.Locale.ROOT);
        switch (kind) {
            case "MSS":
                return new TcpOption.MaxSegmentSize((int) bounded(o.value(), 0xffff, path + ".value"));
            case "WS":
                return new TcpOption.WindowScale((int) bounded(o.value(), 255, path + ".value"));
            case "SACK_PERMITTED":
                return new TcpOption.SackPermitted();
            case "NOP":
                return new TcpOption.NoOp();
            case "EOL":
                return new TcpOption.EndOfList();
            case "TS":
                return new TcpOption.Timestamps(
                        (int) bounded(o.value(), 0xffffffffL, path + ".value"),
                        o.echo() == null ? 0 : (int) (long) o.echo());
            case "SACK": {
                if (o.blocks() == null || o.blocks().isEmpty()) {
                    throw LabProblem.badInput(path + ".blocks", "a SACK option carries 1 to 4 blocks");
                }
                List<TcpOption.SackBlock> blocks = new ArrayList<>();
                for (LabRequests.SackBlock sb : o.blocks()) {
                    blocks.add(new TcpOption.SackBlock(SeqNum.of(sb.left()), SeqNum.of(sb.right())));
                }
                return new TcpOption.Sack(blocks);
            }
            default: {
                int k;
                try {
                    k = Integer.parseInt(kind);
                } catch (NumberFormatException e) {
                    throw LabProblem.badInput(
                            path + ".kind", "must be MSS, WS, SACK_PERMITTED, SACK, TS, NOP, EOL or a number 0-255");
                }
                if (k < 0 || k > 255) {
                    throw LabProblem.badInput(path + ".kind", "an option kind is 0-255");
                }
                return new TcpOption.Unknown(k, o.data() == null ? new byte[0] : Hex.parse(o.data()));
            }
        }
    }

    private static long bounded(Long v, long max, String field) {
        if (v == null) throw LabProblem.badInput(field, "required for this option kind");
        if (v < 0 || v > max) throw LabProblem.badInput(field, "must be 0.." + max);
        return v;
    }

    public static HostName host(String s, HostName dflt) {
        return s == null ? dflt : HostName.parse(s);
    }
}
