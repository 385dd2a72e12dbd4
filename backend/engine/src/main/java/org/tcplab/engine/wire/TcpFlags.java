package org.tcplab.engine.wire;

import java.util.ArrayList;
import java.util.List;

/** The eight control bits of a segment as the header byte holds them. */
public record TcpFlags(int bits) {

    public static final TcpFlags NONE = new TcpFlags(0);
    public static final TcpFlags SYN = of(TcpFlag.SYN);
    public static final TcpFlags SYN_ACK = of(TcpFlag.SYN, TcpFlag.ACK);
    public static final TcpFlags ACK = of(TcpFlag.ACK);
    public static final TcpFlags RST = of(TcpFlag.RST);
    public static final TcpFlags RST_ACK = of(TcpFlag.RST, TcpFlag.ACK);
    public static final TcpFlags FIN_ACK = of(TcpFlag.FIN, TcpFlag.ACK);

    public TcpFlags {
        if ((bits & ~0xff) != 0) {
            throw new IllegalArgumentException("flags must fit in 8 bits: " + bits);
        }
    }

    public static TcpFlags of(TcpFlag... flags) {
        int bits = 0;
        for (TcpFlag f : flags) {
            bits |= f.bit();
        }
        return new TcpFlags(bits);
    }

    /** Parses names such as {@code ["SYN","ACK"]}; unknown names throw IllegalArgumentException. */
    public static TcpFlags parse(Iterable<String> names) {
        int bits = 0;
        for (String n : names) {
            bits |= TcpFlag.valueOf(n.trim().toUpperCase(java.util.Locale.ROOT)).bit();
        }
        return new TcpFlags(bits);
    }

    public boolean has(TcpFlag flag) {
        return (bits & flag.bit()) != 0;
    }

    /** True if every flag in {@code other} is set here. */
    public boolean hasAll(TcpFlags other) {
        return (bits & other.bits) == other.bits;
    }

    public TcpFlags with(TcpFlag flag) {
        return new TcpFlags(bits | flag.bit());
    }

    public TcpFlags without(TcpFlag flag) {
        return new TcpFlags(bits & ~flag.bit());
    }

    public boolean syn() {
        return has(TcpFlag.SYN);
    }

    public boolean ack() {
        return has(TcpFlag.ACK);
    }

    public boolean rst() {
        return has(TcpFlag.RST);
    }

    public boolean fin() {
        return has(TcpFlag.FIN);
    }

    /** The set flags' names in header bit order, as the event schema spells them. */
    public List<String> names() {
        List<String> out = new ArrayList<>(8);
        for (TcpFlag f : TcpFlag.values()) {
            if (has(f)) {
                out.add(f.name());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return String.join(",", names());
    }
}
