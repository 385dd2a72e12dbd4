package org.tcplab.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpSegment;

/** Our plain-Java pcap writer, read back by libpcap itself through pcap4j (the independent witness). */
class PcapWriterTest {

    static LoggedEvent sent(long id, long timeUs, int seq, int payload) {
        TcpSegment s = TcpSegment.builder(40000, 80)
                .seq(seq)
                .ack(7)
                .flags(TcpFlag.ACK, TcpFlag.PSH)
                .window(1000)
                .payload(new byte[payload])
                .build();
        byte[] packet = TcpCodec.encode(new TcpDatagram(Ipv4Address.CLIENT_DEFAULT, Ipv4Address.SERVER_DEFAULT, s));
        return new LoggedEvent(
                id,
                new LabEvent.SegmentSent(
                        timeUs, "1", id, HostName.CLIENT, HostName.SERVER, false, false, packet, null));
    }

    @Test
    void libpcapReadsEveryRecordWithItsTimeAndBytes() throws Exception {
        List<LoggedEvent> events = List.of(
                sent(1, 0, 100, 0),
                new LoggedEvent(2, new LabEvent.Note(5, null, "not a packet")),
                sent(3, 1_234_567, 101, 10),
                sent(4, 61_000_001, 111, 65_000));
        byte[] file = PcapWriter.write(events);
        assertThat(file.length).isEqualTo(24 + 3 * 16 + 40 + 50 + 65_040);
        Path path = Files.createTempFile("tcplab-pcap-", ".pcap");
        try {
            Files.write(path, file);
            List<Packet> packets = new ArrayList<>();
            List<Long> micros = new ArrayList<>();
            PcapHandle handle = Pcaps.openOffline(path.toString(), PcapHandle.TimestampPrecision.MICRO);
            try {
                assertThat(handle.getDlt()).isEqualTo(DataLinkType.RAW);
                Packet p;
                while ((p = handle.getNextPacket()) != null) {
                    packets.add(p);
                    java.sql.Timestamp t = handle.getTimestamp();
                    micros.add(t.getTime() / 1000 * 1_000_000 + t.getNanos() / 1000);
                }
            } finally {
                handle.close();
            }
            assertThat(micros).containsExactly(0L, 1_234_567L, 61_000_001L);
            assertThat(packets).hasSize(3);
            for (int i = 0; i < 3; i++) {
                LabEvent.SegmentSent s =
                        (LabEvent.SegmentSent) events.get(i == 0 ? 0 : i + 1).event();
                assertThat(packets.get(i).getRawData()).isEqualTo(s.packet());
                TcpPacket tcp = packets.get(i).get(IpV4Packet.class).get(TcpPacket.class);
                assertThat(tcp.getHeader().getSequenceNumberAsLong())
                        .isEqualTo(s.header().seq());
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }

    @Test
    void streamedPagesAreTheSameFileAsOneWrite() {
        List<LoggedEvent> events = new ArrayList<>();
        for (int i = 1; i <= 10; i++) events.add(sent(i, i * 1000L, i, i));
        byte[] whole = PcapWriter.write(events);
        byte[] header = PcapWriter.header();
        byte[] first = PcapWriter.records(events.subList(0, 4));
        byte[] rest = PcapWriter.records(events.subList(4, 10));
        byte[] joined = new byte[header.length + first.length + rest.length];
        System.arraycopy(header, 0, joined, 0, header.length);
        System.arraycopy(first, 0, joined, header.length, first.length);
        System.arraycopy(rest, 0, joined, header.length + first.length, rest.length);
        assertThat(joined).isEqualTo(whole);
    }
}
