package org.tcplab.engine.wire;

/**
 * A packet's TCP header fields as they are on the wire, read by {@link TcpCodec#header(byte[])}
 * without verifying or copying anything: for observers that decide by flags and numbers (scenario
 * verdicts, the TAP lab's narration), never for the state machine, which only sees checked
 * {@link TcpSegment}s.
 *
 * @param seq absolute, unsigned 32-bit
 * @param ack absolute, unsigned 32-bit (the header field, whether or not ACK is set)
 */
public record TcpHeaderFields(
        int srcPort, int dstPort, long seq, long ack, TcpFlags flags, int window, int payloadLength) {}
