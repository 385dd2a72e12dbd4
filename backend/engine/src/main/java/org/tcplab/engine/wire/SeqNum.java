package org.tcplab.engine.wire;

/**
 * A TCP sequence number: a point in a 2^32 circle (RFC 9293 §3.4).
 *
 * <p>Comparison is modular ("is a before b within half the circle"), so the order is not total and
 * this type is deliberately not {@link Comparable}. Never compare the raw ints with {@code <}.
 */
public record SeqNum(int raw) {

    public static final SeqNum ZERO = new SeqNum(0);

    public static SeqNum of(long value) {
        return new SeqNum((int) value);
    }

    /** The value as an unsigned 32-bit number, as shown to people and in JSON. */
    public long value() {
        return Integer.toUnsignedLong(raw);
    }

    public SeqNum plus(long n) {
        return new SeqNum(raw + (int) n);
    }

    public SeqNum minus(long n) {
        return new SeqNum(raw - (int) n);
    }

    /** The forward distance from {@code from} to this, in [0, 2^32). */
    public long distanceFrom(SeqNum from) {
        return Integer.toUnsignedLong(raw - from.raw);
    }

    public boolean lessThan(SeqNum other) {
        return raw - other.raw < 0;
    }

    public boolean lessOrEqual(SeqNum other) {
        return raw - other.raw <= 0;
    }

    public boolean greaterThan(SeqNum other) {
        return raw - other.raw > 0;
    }

    public boolean greaterOrEqual(SeqNum other) {
        return raw - other.raw >= 0;
    }

    /** {@code start <= this < start + size}, modulo 2^32 (RFC 9293 §3.4's window tests). */
    public boolean inWindow(SeqNum start, long size) {
        return distanceFrom(start) < size;
    }

    public static SeqNum max(SeqNum a, SeqNum b) {
        return a.greaterThan(b) ? a : b;
    }

    public static SeqNum min(SeqNum a, SeqNum b) {
        return a.lessThan(b) ? a : b;
    }

    // Written out rather than the record's generated ones: the state machine compares sequence numbers
    // on every segment, and these stay cheap wherever the JIT does not inline the generated form.
    @Override
    public boolean equals(Object o) {
        return o instanceof SeqNum s && s.raw == raw;
    }

    @Override
    public int hashCode() {
        return raw;
    }

    @Override
    public String toString() {
        return Long.toString(value());
    }
}
