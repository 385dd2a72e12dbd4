package org.tcplab.server.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.wire.Hex;
import org.tcplab.engine.wire.WireSegment;

/**
 * Every segment a lab put on the wire, as a classic libpcap file with LINKTYPE_RAW (101: the packet
 * is the IPv4 header onward), written through libpcap itself so Wireshark reads it as its own.
 * Packet timestamps are the lab's (virtual) times.
 */
public final class PcapWriter {

    private PcapWriter() {}

    /** One packet per {@code segment.sent}: its IPv4 header followed by the TCP segment. */
    public static byte[] write(List<LoggedEvent> events) throws IOException {
        Path file = Files.createTempFile("tcplab-", ".pcap");
        try {
            // libpcap's dumper is not known to be thread-safe across handles in pcap4j: one at a time.
            synchronized (PcapWriter.class) {
                PcapHandle handle = Pcaps.openDead(DataLinkType.RAW, 65536);
                try {
                    PcapDumper dumper = handle.dumpOpen(file.toString());
                    try {
                        for (LoggedEvent e : events) {
                            if (e.event() instanceof LabEvent.SegmentSent s) {
                                dumper.dumpRaw(packet(s.segment()), timestamp(s.timeUs()));
                            }
                        }
                        dumper.flush();
                    } finally {
                        dumper.close();
                    }
                } finally {
                    handle.close();
                }
            }
            return Files.readAllBytes(file);
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException(
                    "libpcap could not write the capture (is libpcap0.8 installed?): " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static byte[] packet(WireSegment w) {
        return Hex.parse((w.ipHeader() == null ? "" : w.ipHeader()) + w.bytes());
    }

    static Timestamp timestamp(long us) {
        Timestamp t = new Timestamp(us / 1000);
        t.setNanos((int) (us % 1_000_000) * 1000);
        return t;
    }
}
