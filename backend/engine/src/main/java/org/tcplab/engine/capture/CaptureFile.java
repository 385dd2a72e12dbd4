package org.tcplab.engine.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Reads a capture file, classic pcap or pcapng, told apart by their first four bytes. The bytes are
 * untrusted: every length field is checked against what the file really holds before it is used,
 * and the first problem becomes a {@link CaptureFormatException} that says what and where. Written
 * in plain Java rather than through libpcap so that no uploaded byte reaches native code; tests use
 * libpcap (pcap4j), tshark and tcpdump as witnesses of our reading.
 */
public final class CaptureFile {

    /** The two file formats read here. */
    public enum Format {
        /** Classic libpcap (tcpdump's format), either byte order, micro- or nanosecond timestamps. */
        PCAP,
        /** pcapng (Wireshark's format): sections, several interfaces, per-interface resolution. */
        PCAPNG;

        public String id() {
            return this == PCAP ? "pcap" : "pcapng";
        }
    }

    private CaptureFile() {}

    /**
     * Hands every packet record of {@code file} to {@code out}, in file order, and returns the format.
     * The packets' {@code data} are read-only views into {@code file}; copy what must outlive the call.
     */
    public static Format read(ByteBuffer file, Consumer<CapturedPacket> out) {
        ByteBuffer b = file.slice().order(ByteOrder.BIG_ENDIAN);
        if (b.remaining() == 0) {
            throw new CaptureFormatException("the file is empty: expected a pcap or pcapng capture", 0);
        }
        if (b.remaining() < 4) {
            throw new CaptureFormatException(
                    "the file holds only " + b.remaining() + " bytes: too short for a pcap or pcapng capture", 0);
        }
        int magic = b.getInt(0);
        if (magic == PcapngFile.SHB) {
            PcapngFile.read(b, out);
            return Format.PCAPNG;
        }
        if (PcapFile.recognises(magic)) {
            PcapFile.read(b, out);
            return Format.PCAP;
        }
        throw new CaptureFormatException(
                "not a capture: a pcap file starts with a1 b2 c3 d4 (or d4 c3 b2 a1), a pcapng file with"
                        + " 0a 0d 0d 0a; this one starts with " + hexStart(b) + guess(b)
                        + ". Save the capture as pcap or pcapng (tcpdump -w, Wireshark's \"Save As\")",
                0);
    }

    private static String hexStart(ByteBuffer b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, b.remaining()); i++) {
            if (i > 0) sb.append(' ');
            sb.append(String.format("%02x", b.get(i) & 0xff));
        }
        return sb.toString();
    }

    /** A hint for files people upload by mistake. */
    private static String guess(ByteBuffer b) {
        int b0 = b.get(0) & 0xff;
        int b1 = b.get(1) & 0xff;
        if (b0 == 0x1f && b1 == 0x8b) return " (a gzip file: unpack it first, e.g. gunzip)";
        if (b0 == 'P' && b1 == 'K') return " (a ZIP archive: unpack it first)";
        if (b0 == 0xfd && b1 == '7') return " (an xz file: unpack it first)";
        if (b0 == '%' && b1 == 'P') return " (a PDF document)";
        if (b0 == '-' && b1 == '-') {
            return " (a multipart form: send the file itself as the body, e.g. curl --data-binary @hs.pcap)";
        }
        if (b0 == '<' || b0 == '{' || b0 == '[') return " (a text document, not a binary capture)";
        if (b0 == 0x4d && b1 == 0x3c)
            return " (a Microsoft Network Monitor capture: re-save it as pcapng in Wireshark)";
        if (b0 == 0x58 && b1 == 0x43) return " (a snoop or other capture: re-save it as pcapng in Wireshark)";
        return "";
    }
}
