package org.tcplab.engine.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A checked TCP segment as the state machine sees it: typed fields, no raw bytes to misread.
 *
 * <p>The acknowledgment number is present only when ACK is set, so code cannot read an ack that
 * the peer did not send (RFC 9293 §3.1: "If the ACK control bit is set this field contains...").
 * The header length and checksum are properties of the encoding and live in {@link WireSegment}.
 */
public record TcpSegment(
        int srcPort,
        int dstPort,
        SeqNum seq,
        Optional<SeqNum> ackNumber,
        TcpFlags flags,
        int window,
        int urgentPointer,
        List<TcpOption> options,
        byte[] payload) {

    public TcpSegment {
        checkPort("srcPort", srcPort);
        checkPort("dstPort", dstPort);
        if (window < 0 || window > 0xffff) throw new IllegalArgumentException("window must be 0..65535: " + window);
        if (urgentPointer < 0 || urgentPointer > 0xffff)
            throw new IllegalArgumentException("urgentPointer must be 0..65535");
        if (flags.ack() != ackNumber.isPresent()) {
            throw new IllegalArgumentException("an ack number is present exactly when ACK is set");
        }
        options = List.copyOf(options);
        payload = payload.clone();
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 0xffff) throw new IllegalArgumentException(name + " must be 0..65535: " + port);
    }

    /** The ack number; call only where ACK is set. */
    public SeqNum ack() {
        return ackNumber.orElseThrow(() -> new IllegalStateException("segment has no ACK: " + this));
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    /** SEG.LEN: payload plus one for each of SYN and FIN (RFC 9293 §3.4). */
    public int segLen() {
        return payload.length + (flags.syn() ? 1 : 0) + (flags.fin() ? 1 : 0);
    }

    /** The first option of the given type, if any. */
    public <T extends TcpOption> Optional<T> option(Class<T> type) {
        for (TcpOption o : options) {
            if (type.isInstance(o)) return Optional.of(type.cast(o));
        }
        return Optional.empty();
    }

    /** A builder with ACK unset and no options; {@code ack(...)} sets both the flag and the number. */
    public static Builder builder(int srcPort, int dstPort) {
        return new Builder(srcPort, dstPort);
    }

    public Builder toBuilder() {
        Builder b = new Builder(srcPort, dstPort);
        b.seq = seq;
        b.ack = ackNumber.orElse(null);
        b.flags = flags;
        b.window = window;
        b.urgentPointer = urgentPointer;
        b.options = options;
        b.payload = payload;
        return b;
    }

    public static final class Builder {
        private int srcPort;
        private int dstPort;
        private SeqNum seq = SeqNum.ZERO;
        private SeqNum ack;
        private TcpFlags flags = TcpFlags.NONE;
        private int window;
        private int urgentPointer;
        private List<TcpOption> options = List.of();
        private byte[] payload = new byte[0];

        private Builder(int srcPort, int dstPort) {
            this.srcPort = srcPort;
            this.dstPort = dstPort;
        }

        public Builder ports(int src, int dst) {
            this.srcPort = src;
            this.dstPort = dst;
            return this;
        }

        public Builder seq(SeqNum seq) {
            this.seq = seq;
            return this;
        }

        public Builder seq(long seq) {
            return seq(SeqNum.of(seq));
        }
        /** Sets the ack number and the ACK flag. */
        public Builder ack(SeqNum ack) {
            this.ack = ack;
            this.flags = flags.with(TcpFlag.ACK);
            return this;
        }

        public Builder ack(long ack) {
            return ack(SeqNum.of(ack));
        }
        /** Clears ACK and its number. */
        public Builder noAck() {
            this.ack = null;
            this.flags = flags.without(TcpFlag.ACK);
            return this;
        }
        /** Sets the other flags; ACK follows whether an ack number was given. */
        public Builder flags(TcpFlag... fs) {
            TcpFlags f = TcpFlags.of(fs).without(TcpFlag.ACK);
            this.flags = ack != null ? f.with(TcpFlag.ACK) : f;
            return this;
        }
        /** Sets all flags as given, ACK included; an ACK without an ack number gets ack 0. */
        public Builder rawFlags(TcpFlags fs) {
            this.flags = fs;
            if (fs.ack() && ack == null) ack = SeqNum.ZERO;
            if (!fs.ack()) ack = null;
            return this;
        }

        public Builder window(int window) {
            this.window = window;
            return this;
        }

        public Builder urgentPointer(int up) {
            this.urgentPointer = up;
            return this;
        }

        public Builder options(List<TcpOption> options) {
            this.options = options;
            return this;
        }

        public Builder options(TcpOption... options) {
            this.options = List.of(options);
            return this;
        }

        public Builder payload(byte[] payload) {
            this.payload = payload;
            return this;
        }

        public TcpSegment build() {
            return new TcpSegment(
                    srcPort,
                    dstPort,
                    seq,
                    java.util.Optional.ofNullable(ack),
                    flags,
                    window,
                    urgentPointer,
                    options,
                    payload);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpSegment s
                && s.srcPort == srcPort
                && s.dstPort == dstPort
                && s.seq.equals(seq)
                && s.ackNumber.equals(ackNumber)
                && s.flags.equals(flags)
                && s.window == window
                && s.urgentPointer == urgentPointer
                && s.options.equals(options)
                && Arrays.equals(s.payload, payload);
    }

    @Override
    public int hashCode() {
        return ((srcPort * 31 + dstPort) * 31 + seq.hashCode()) * 31 + Arrays.hashCode(payload);
    }

    /** packetdrill-like: {@code 1000 > 80 [SYN] seq=0 win=65535 <mss 1460>}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(srcPort)
                .append(" > ")
                .append(dstPort)
                .append(" [")
                .append(flags)
                .append("] seq=")
                .append(seq);
        ackNumber.ifPresent(a -> sb.append(" ack=").append(a));
        sb.append(" win=").append(window);
        if (payload.length > 0) sb.append(" len=").append(payload.length);
        if (!options.isEmpty()) sb.append(" ").append(options);
        return sb.toString();
    }
}
