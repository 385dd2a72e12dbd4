package org.tcplab.engine.capture;

import java.nio.ByteBuffer;

/**
 * One record of a capture file, before any decoding: what the file says about one packet.
 *
 * @param number 1, 2, 3 ... in file order (Wireshark's frame number)
 * @param timeNanos the record's timestamp, nanoseconds since 1970 (UTC)
 * @param linkType the LINKTYPE_ value of the interface it was captured on (tcpdump.org/linktypes)
 * @param data the captured bytes: a read-only view into the file, position 0, as many bytes as were captured
 * @param originalLength the packet's length on the wire (more than {@code data} when the snapshot length cut it)
 */
public record CapturedPacket(long number, long timeNanos, int linkType, ByteBuffer data, long originalLength) {}
