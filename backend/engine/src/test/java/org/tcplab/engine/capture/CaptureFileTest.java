package org.tcplab.engine.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tcplab.engine.capture.CaptureBytes.Frame;

/** The two file formats, each variant, and every way a file can lie about its lengths. */
class CaptureFileTest {

    static final long T = 1_700_000_000_123_456_789L;

    static List<CapturedPacket> read(byte[] file) {
        List<CapturedPacket> out = new ArrayList<>();
        CaptureFile.read(ByteBuffer.wrap(file), out::add);
        return out;
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    static byte[] data(CapturedPacket p) {
        byte[] b = new byte[p.data().remaining()];
        p.data().get(0, b);
        return b;
    }

    @Nested
    class Pcap {
        @ParameterizedTest(name = "little-endian={0}")
        @ValueSource(booleans = {true, false})
        void microsecondsInEitherByteOrder(boolean little) {
            byte[] file = CaptureBytes.pcap(
                    little, false, 101, List.of(new Frame(T, bytes(0x45, 1, 2)), new Frame(T + 1_000, bytes(7))));
            List<CapturedPacket> p = read(file);
            assertThat(p).hasSize(2);
            assertThat(p.get(0).number()).isEqualTo(1);
            assertThat(p.get(0).linkType()).isEqualTo(101);
            // Microseconds: the nanoseconds below a microsecond are not in the file.
            assertThat(p.get(0).timeNanos()).isEqualTo(T / 1000 * 1000);
            assertThat(data(p.get(0))).containsExactly(0x45, 1, 2);
            assertThat(p.get(1).timeNanos() - p.get(0).timeNanos()).isEqualTo(1_000);
        }

        @ParameterizedTest(name = "little-endian={0}")
        @ValueSource(booleans = {true, false})
        void nanosecondsInEitherByteOrder(boolean little) {
            List<CapturedPacket> p = read(CaptureBytes.pcap(little, true, 1, List.of(new Frame(T, bytes(1)))));
            assertThat(p.get(0).timeNanos()).isEqualTo(T);
            assertThat(p.get(0).linkType()).isEqualTo(1);
        }

        @Test
        void aZeroLengthRecordIsAnEmptyPacketNotAnEndlessLoop() {
            List<CapturedPacket> p =
                    read(CaptureBytes.pcap(101, List.of(new Frame(T, new byte[0]), new Frame(T, bytes(9)))));
            assertThat(p).hasSize(2);
            assertThat(p.get(0).data().remaining()).isZero();
        }

        @Test
        void aRecordClaimingTwoGigabytesIsRefusedWithWhereAndWhy() {
            byte[] file = CaptureBytes.pcap(false, false, 101, List.of(new Frame(T, bytes(1, 2, 3, 4))));
            ByteBuffer.wrap(file).putInt(24 + 8, 0x7fffffff);
            assertThatThrownBy(() -> read(file))
                    .isInstanceOf(CaptureFormatException.class)
                    .hasMessage("packet 1 (offset 24) claims 2147483647 captured bytes; no capture holds packets"
                            + " over 262144 bytes: the file is damaged");
        }

        @Test
        void aTruncatedRecordSaysWhereTheFileEnds() {
            byte[] whole = CaptureBytes.pcap(101, List.of(new Frame(T, bytes(1)), new Frame(T, new byte[100])));
            byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 40);
            assertThatThrownBy(() -> read(cut))
                    .isInstanceOf(CaptureFormatException.class)
                    .hasMessage("the file ends in the middle of packet 2 (offset 41): its header claims 100 bytes,"
                            + " only 60 remain; the capture is truncated");
            byte[] inHeader = java.util.Arrays.copyOf(whole, 24 + 17 + 5);
            assertThatThrownBy(() -> read(inHeader))
                    .hasMessageContaining("ends in the header of packet 2 (offset 41, 5 of its 16 bytes)");
            assertThatThrownBy(() -> read(java.util.Arrays.copyOf(whole, 20)))
                    .hasMessageContaining("the pcap file header needs 24 bytes; the file ends after 20");
        }

        @Test
        void aVersionOtherThanTwoIsNotAPcapHeader() {
            byte[] file = CaptureBytes.pcap(false, false, 101, List.of());
            ByteBuffer.wrap(file).putShort(4, (short) 7);
            assertThatThrownBy(() -> read(file)).hasMessageContaining("pcap version 7.4");
        }

        @Test
        void theLinkTypeIgnoresTheFcsBitsAbove() {
            byte[] file = CaptureBytes.pcap(false, false, 1, List.of(new Frame(T, bytes(1))));
            ByteBuffer.wrap(file).putInt(20, 0x24000001); // FCS length 2, F bit set, Ethernet
            assertThat(read(file).get(0).linkType()).isEqualTo(1);
        }
    }

    @Nested
    class Pcapng {
        @ParameterizedTest(name = "little-endian={0}")
        @ValueSource(booleans = {true, false})
        void enhancedSimpleAndObsoletePacketBlocksOnSeveralInterfaces(boolean little) {
            byte[] file = new CaptureBytes.Pcapng(little)
                    .iface(1) // microseconds by default
                    .iface(101, 9, 0) // nanoseconds
                    .epb(0, T / 1000, bytes(1, 2))
                    .block(0x0badcafe, new byte[8]) // an unknown block: skipped
                    .epb(1, T, bytes(3))
                    .spb(bytes(4, 5, 6))
                    .opb(1, T + 5, bytes(7))
                    .block(4, new byte[4]) // name resolution: skipped
                    .build();
            List<CapturedPacket> p = read(file);
            assertThat(p).extracting(CapturedPacket::linkType).containsExactly(1, 101, 1, 101);
            assertThat(p).extracting(CapturedPacket::number).containsExactly(1L, 2L, 3L, 4L);
            assertThat(p.get(0).timeNanos()).isEqualTo(T / 1000 * 1000);
            assertThat(p.get(1).timeNanos()).isEqualTo(T);
            // A simple packet block has no time of its own: it keeps the last one.
            assertThat(p.get(2).timeNanos()).isEqualTo(T);
            assertThat(data(p.get(2))).containsExactly(4, 5, 6);
            assertThat(p.get(3).timeNanos()).isEqualTo(T + 5);
        }

        @Test
        void binaryResolutionAndOffsetAndANewSectionInTheOtherByteOrder() {
            byte[] first = new CaptureBytes.Pcapng(true)
                    .iface(101, 0x80 | 20, 100) // 2^-20 s, +100 s
                    .epb(0, 3L << 20 | (1L << 19), bytes(1)) // 3.5 s
                    .build();
            byte[] second = new CaptureBytes.Pcapng(false)
                    .iface(228, 3, 0)
                    .epb(0, 1500, bytes(2))
                    .build();
            byte[] file = ByteBuffer.allocate(first.length + second.length)
                    .put(first)
                    .put(second)
                    .array();
            List<CapturedPacket> p = read(file);
            assertThat(p.get(0).timeNanos()).isEqualTo(103_500_000_000L);
            assertThat(p.get(1).linkType()).isEqualTo(228);
            assertThat(p.get(1).timeNanos()).isEqualTo(1_500_000_000L); // milliseconds
        }

        @Test
        void aBlockOfLengthZeroIsRefusedNotLoopedOn() {
            byte[] file = new CaptureBytes.Pcapng(true).iface(1).build();
            byte[] bad = ByteBuffer.allocate(file.length + 12)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .put(file)
                    .putInt(6)
                    .putInt(0)
                    .putInt(0)
                    .array();
            assertThatThrownBy(() -> read(bad))
                    .isInstanceOf(CaptureFormatException.class)
                    .hasMessage("block 3 (enhanced packet, offset " + file.length
                            + ") has length 0; a block is at least 12 bytes: the file is damaged");
        }

        @Test
        void aBlockClaimingMoreThanTheFileHoldsIsTruncation() {
            byte[] file = new CaptureBytes.Pcapng(true)
                    .iface(1)
                    .epb(0, 1, new byte[64])
                    .build();
            byte[] cut = java.util.Arrays.copyOf(file, file.length - 10);
            assertThatThrownBy(() -> read(cut))
                    .hasMessageContaining("claims 96 bytes but only 86 remain: the capture is truncated");
        }

        @Test
        void aPacketLongerThanItsBlockIsDamage() {
            byte[] file = new CaptureBytes.Pcapng(true)
                    .iface(1)
                    .epb(0, 1, new byte[8])
                    .build();
            int epb = file.length - 40;
            ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + 8 + 12, 2_000_000_000);
            assertThatThrownBy(() -> read(file))
                    .hasMessageContaining("claims 2000000000 captured bytes but holds only 8");
        }

        @Test
        void garbageOptionsAreRefused() {
            // An interface block whose option claims 200 bytes where 8 remain.
            byte[] body = ByteBuffer.allocate(16)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putShort((short) 1)
                    .putShort((short) 0)
                    .putInt(0)
                    .putShort((short) 2)
                    .putShort((short) 200)
                    .putInt(0)
                    .array();
            byte[] file = new CaptureBytes.Pcapng(true).block(1, body).build();
            assertThatThrownBy(() -> read(file))
                    .hasMessageContaining(
                            "option 2 at offset 44 claims 200 bytes, only 4 remain in the block: garbage options");
        }

        @Test
        void anImpossibleResolutionIsRefused() {
            byte[] file = new CaptureBytes.Pcapng(true).iface(1, 77, 0).build();
            assertThatThrownBy(() -> read(file))
                    .hasMessageContaining("if_tsresol 10^-77 is not a timestamp resolution");
        }

        @Test
        void aPacketOnAnInterfaceNobodyDescribedIsDamage() {
            byte[] file =
                    new CaptureBytes.Pcapng(true).iface(1).epb(3, 1, bytes(1)).build();
            assertThatThrownBy(() -> read(file))
                    .hasMessageContaining("refers to interface 3 but the section describes 1 interface");
        }

        @Test
        void trailingAndLeadingLengthsMustAgree() {
            byte[] file = new CaptureBytes.Pcapng(true).iface(1).build();
            ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(file.length - 4, 24);
            assertThatThrownBy(() -> read(file)).hasMessageContaining("ends with length 24 but starts with 20");
        }

        @Test
        void aWrongByteOrderMagicIsNotPcapng() {
            byte[] file = new CaptureBytes.Pcapng(true).build();
            ByteBuffer.wrap(file).putInt(8, 0x12345678);
            assertThatThrownBy(() -> read(file)).hasMessageContaining("byte-order magic 12345678 instead of 1a2b3c4d");
        }
    }

    @Test
    void whatIsNotACaptureIsNamed() {
        assertThatThrownBy(() -> read(new byte[0])).hasMessage("the file is empty: expected a pcap or pcapng capture");
        assertThatThrownBy(() -> read(bytes(1, 2))).hasMessageContaining("only 2 bytes");
        assertThatThrownBy(() -> read(bytes(0x1f, 0x8b, 8, 0)))
                .hasMessageContaining("starts with 1f 8b 08 00 (a gzip file: unpack it first, e.g. gunzip)");
        assertThatThrownBy(() -> read("<html>".getBytes()))
                .hasMessageContaining("(a text document, not a binary capture)");
        assertThatThrownBy(() -> read(bytes(0xa1, 0xb2, 0xcd, 0x34, 0, 0, 0, 0)))
                .hasMessageContaining("modified pcap");
    }
}
