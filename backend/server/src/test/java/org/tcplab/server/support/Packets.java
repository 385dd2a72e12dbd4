package org.tcplab.server.support;

import java.nio.ByteBuffer;
import org.tcplab.engine.wire.TcpFlags;

/** Hand-built IPv4+TCP packets with correct checksums (RFC 791, RFC 9293 §3.1), for fakes and checks. */
public final class Packets {

    private Packets() {}

    public static byte[] ipv4Tcp(
            byte[] src,
            byte[] dst,
            int srcPort,
            int dstPort,
            long seq,
            long ack,
            TcpFlags flags,
            int window,
            byte[] payload) {
        int tcpLen = 20 + payload.length;
        ByteBuffer tcp = ByteBuffer.allocate(tcpLen);
        tcp.putShort((short) srcPort)
                .putShort((short) dstPort)
                .putInt((int) seq)
                .putInt((int) ack);
        tcp.put((byte) (5 << 4))
                .put((byte) flags.bits())
                .putShort((short) window)
                .putShort((short) 0)
                .putShort((short) 0);
        tcp.put(payload);
        byte[] t = tcp.array();
        ByteBuffer pseudo = ByteBuffer.allocate(12 + tcpLen);
        pseudo.put(src)
                .put(dst)
                .put((byte) 0)
                .put((byte) 6)
                .putShort((short) tcpLen)
                .put(t);
        int c = checksum(pseudo.array());
        t[16] = (byte) (c >> 8);
        t[17] = (byte) c;
        ByteBuffer ip = ByteBuffer.allocate(20);
        ip.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) (20 + tcpLen))
                .putShort((short) 0)
                .putShort((short) 0x4000);
        ip.put((byte) 64).put((byte) 6).putShort((short) 0).put(src).put(dst);
        byte[] h = ip.array();
        int hc = checksum(h);
        h[10] = (byte) (hc >> 8);
        h[11] = (byte) hc;
        return ByteBuffer.allocate(20 + tcpLen).put(h).put(t).array();
    }

    /** The Internet checksum (RFC 1071) of {@code data}; 0 when data already holds a valid checksum. */
    public static int checksum(byte[] data) {
        long sum = 0;
        for (int i = 0; i + 1 < data.length; i += 2) sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        if (data.length % 2 == 1) sum += (data[data.length - 1] & 0xff) << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (int) (~sum & 0xffff);
    }
}
