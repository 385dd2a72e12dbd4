package org.tcplab.engine.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpState;

/**
 * Captures made for real: Linux sockets on loopback talk while dumpcap or tcpdump records them,
 * and what our reader, decoder and replay make of the file is checked against tshark, against
 * libpcap (pcap4j) and against what the kernel did. Needs root (or capture rights) and the
 * capture tools; skips with the reason elsewhere.
 */
@Timeout(120)
class LoopbackCaptureTest {

    record Captured(byte[] file, int clientPort, int serverPort) {}

    /** Ethernet (lo), Linux cooked v1 and v2 (any), IPv4 and IPv6, pcapng and pcap, two writers. */
    @ParameterizedTest(name = "{0} -i {1} {4} {2} ({3})")
    @CsvSource({
        "dumpcap, lo, 127.0.0.1, pcapng, ''",
        "dumpcap, any, ::1, pcapng, LINUX_SLL",
        "dumpcap, any, 127.0.0.1, pcap, LINUX_SLL2",
        "tcpdump, lo, 127.0.0.1, pcap, ''",
        "tcpdump, lo, ::1, pcap, ''"
    })
    void aRealLinuxConnectionReplaysAsTheKernelRanIt(
            String tool, String itf, String address, String format, String dlt, @TempDir Path dir) throws Exception {
        Path exe = Path.of("/usr/bin/" + tool);
        assumeTrue(Files.isExecutable(exe), tool + " is not installed: real-capture test skipped");
        assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "capturing on loopback needs root (or CAP_NET_RAW): real-capture test skipped");
        Captured c = capture(tool, itf, dlt, InetAddress.getByName(address), format.equals("pcapng"));
        Path file = dir.resolve("capture." + format);
        Files.write(file, c.file());

        CaptureImport.Result imported = CaptureImport.read(ByteBuffer.wrap(c.file()), CaptureLimits.defaults());
        assertThat(imported.format().id()).isEqualTo(format);
        int expectedLinkType =
                switch (dlt) {
                    case "LINUX_SLL" -> 113;
                    case "LINUX_SLL2" -> 276;
                    default -> 1;
                };
        List<CapturedPacket> records = new ArrayList<>();
        CaptureFile.read(ByteBuffer.wrap(c.file()), records::add);
        assertThat(records).extracting(CapturedPacket::linkType).containsOnly(expectedLinkType);
        assertThat(imported.conversations()).hasSize(1);
        Conversation conv = imported.conversations().get(0);
        assertThat(conv.client().port()).isEqualTo(c.clientPort());
        assertThat(conv.server().port()).isEqualTo(c.serverPort());
        assertThat(conv.handshakeSeen()).isTrue();
        assertThat(imported.skipped()).extracting(CaptureImport.Skip::detail).containsOnly("UDP");

        // libpcap (through pcap4j) reads the same number of packets, with the same times and lengths.
        List<CapturedPacket> ours = new ArrayList<>();
        CaptureFile.read(ByteBuffer.wrap(c.file()), ours::add);
        try (PcapHandle h = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO)) {
            for (CapturedPacket p : ours) {
                org.pcap4j.packet.Packet theirs = h.getNextPacketEx();
                java.sql.Timestamp ts = h.getTimestamp();
                long nanos = Math.floorDiv(ts.getTime(), 1000) * 1_000_000_000L + ts.getNanos();
                assertThat(nanos).as("packet %d time", p.number()).isEqualTo(p.timeNanos());
                assertThat(theirs.length())
                        .as("packet %d length", p.number())
                        .isEqualTo(p.data().remaining());
                assertThat(h.getDlt().value()).isEqualTo(p.linkType());
            }
        }

        // tshark reads every TCP field as we do.
        if (Tshark.available()) {
            List<Map<String, String>> t = Tshark.fields(
                    file,
                    "tcp.srcport",
                    "tcp.dstport",
                    "tcp.seq_raw",
                    "tcp.ack_raw",
                    "tcp.flags",
                    "tcp.len",
                    "tcp.window_size_value",
                    "tcp.checksum.status");
            List<CapturedSegment> segs = conv.segments();
            t.removeIf(row -> row.get("tcp.srcport").isEmpty());
            assertThat(t).hasSize(segs.size());
            for (int i = 0; i < segs.size(); i++) {
                CapturedSegment s = segs.get(i);
                TcpHeader h = TcpHeader.of(s);
                Map<String, String> row = t.get(i);
                assertThat(row.get("tcp.srcport"))
                        .isEqualTo(Integer.toString(s.src().port()));
                assertThat(row.get("tcp.seq_raw"))
                        .isEqualTo(Long.toString(h.seq().value()));
                assertThat(row.get("tcp.ack_raw"))
                        .isEqualTo(Long.toString(h.ack().value()));
                assertThat(Integer.decode(row.get("tcp.flags"))).isEqualTo(h.flags());
                assertThat(row.get("tcp.len")).isEqualTo(Integer.toString(h.payloadLength()));
                assertThat(row.get("tcp.window_size_value")).isEqualTo(Integer.toString(h.window()));
            }
        }

        // The kernel's states, as our state machine infers them from the capture.
        ConversationReplay.Result r = ConversationReplay.replay(conv);
        List<TcpState> client = SimulatedCaptureTest.path(r.events(), HostName.CLIENT);
        List<TcpState> server = new ArrayList<>();
        for (LabEvent e : r.events()) {
            if (e instanceof LabEvent.StateChanged s && s.host() == HostName.SERVER) server.add(s.to());
        }
        String trace = SimulatedCaptureTest.inferred(r);
        // RFC 9293 §3.10.7.4: an ACK of its FIN takes FIN-WAIT-1 to FIN-WAIT-2 before the FIN bit of the
        // same segment takes it on to TIME-WAIT (Linux's tcp_rcv_state_process does the same).
        assertThat(client)
                .as(trace)
                .containsExactly(
                        TcpState.SYN_SENT,
                        TcpState.ESTABLISHED,
                        TcpState.FIN_WAIT_1,
                        TcpState.FIN_WAIT_2,
                        TcpState.TIME_WAIT);
        assertThat(server)
                .as(trace)
                .containsExactly(
                        TcpState.LISTEN,
                        TcpState.SYN_RECEIVED,
                        TcpState.ESTABLISHED,
                        TcpState.CLOSE_WAIT,
                        TcpState.LAST_ACK,
                        TcpState.CLOSED);
        assertThat(r.handshake().complete()).isTrue();
        assertThat(narrationSteps(r)).contains("syn", "syn-ack", "handshake", "options", "fin", "time-wait", "end");
    }

    static List<String> narrationSteps(ConversationReplay.Result r) {
        List<String> steps = new ArrayList<>();
        for (LabEvent e : r.events()) if (e instanceof LabEvent.Narration n) steps.add(n.step());
        return steps;
    }

    /**
     * Records one connection: the client sends "hello", the server answers "world", the client
     * closes first, then the server. The tool says it captures before it really does, so UDP probes
     * to a port of our own go first until one shows up in the capture; the tool writes to a pipe and
     * is stopped once the client's last ACK (of the server's FIN) is in the file (more probes push
     * packets libpcap may still hold).
     */
    static Captured capture(String tool, String itf, String dlt, InetAddress address, boolean pcapng) throws Exception {
        try (ServerSocket listener = new ServerSocket();
                java.net.DatagramSocket probe = new java.net.DatagramSocket(new InetSocketAddress(address, 0))) {
            listener.bind(new InetSocketAddress(address, 0));
            int port = listener.getLocalPort();
            String filter = "tcp port " + port + " or udp port " + probe.getLocalPort();
            List<String> cmd = new ArrayList<>();
            if (tool.equals("dumpcap")) {
                cmd.addAll(List.of("/usr/bin/dumpcap", "-q", "-i", itf, "-f", filter, "-w", "-"));
                if (!pcapng) cmd.add("-P");
                if (!dlt.isEmpty()) cmd.addAll(List.of("-y", dlt));
            } else {
                cmd.addAll(List.of("/usr/bin/tcpdump", "-i", itf, "-U", "--immediate-mode", "-w", "-"));
                if (!dlt.isEmpty()) cmd.addAll(List.of("-y", dlt));
                cmd.add(filter);
            }
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            CaptureReader reader = new CaptureReader(p.getInputStream(), pcapng);
            reader.start();
            try {
                byte[] hello = "probe".getBytes(StandardCharsets.US_ASCII);
                java.net.DatagramPacket d =
                        new java.net.DatagramPacket(hello, hello.length, probe.getLocalSocketAddress());
                for (int i = 0; !reader.sawUdp.await(20, java.util.concurrent.TimeUnit.MILLISECONDS); i++) {
                    if (i == 1000 || !p.isAlive()) throw new IOException(tool + " captured nothing: " + cmd);
                    probe.send(d);
                }
                int clientPort;
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress(address, port));
                    clientPort = client.getLocalPort();
                    reader.clientPort = clientPort;
                    try (Socket accepted = listener.accept()) {
                        client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                        accepted.getInputStream().readNBytes(5);
                        accepted.getOutputStream().write("world".getBytes(StandardCharsets.US_ASCII));
                        client.getInputStream().readNBytes(5);
                        client.close();
                        assertThat(accepted.getInputStream().read()).isEqualTo(-1);
                    }
                }
                // libpcap may hold the last packets in its ring until more arrive: probes push them through.
                for (int i = 0; !reader.sawLastAck.await(20, java.util.concurrent.TimeUnit.MILLISECONDS); i++) {
                    if (i == 3000 || !p.isAlive()) {
                        throw new IOException(tool + " did not capture the end of the connection; it captured:\n"
                                + summary(reader.file, clientPort));
                    }
                    probe.send(d);
                }
                return new Captured(reader.file, clientPort, port);
            } finally {
                p.destroy();
                p.waitFor();
                reader.join();
            }
        }
    }

    /** Reads the capture tool's output as it comes and says when the probe and the last ACK are in it. */
    static final class CaptureReader extends Thread {
        final java.util.concurrent.CountDownLatch sawUdp = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch sawLastAck = new java.util.concurrent.CountDownLatch(1);
        private final InputStream in;
        private final boolean pcapng;
        volatile int clientPort = -1;
        volatile byte[] file;

        CaptureReader(InputStream in, boolean pcapng) {
            super("capture-reader");
            setDaemon(true);
            this.in = in;
            this.pcapng = pcapng;
        }

        @Override
        public void run() {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                    byte[] whole = complete(got.toByteArray(), pcapng);
                    if (whole == null) continue;
                    file = whole;
                    if (sawUdp.getCount() > 0 && sawUdp(whole)) sawUdp.countDown();
                    if (clientPort >= 0 && lastAckSeen(whole, clientPort)) sawLastAck.countDown();
                }
            } catch (IOException e) {
                // the tool was stopped
            }
        }
    }

    private static String summary(byte[] file, int clientPort) {
        StringBuilder sb = new StringBuilder();
        if (file == null) return "nothing";
        CaptureFile.read(ByteBuffer.wrap(file), p -> {
            PacketDecoder.Result r = PacketDecoder.decode(p);
            if (r instanceof PacketDecoder.Segment s) {
                TcpHeader h = TcpHeader.of(s.segment());
                sb.append(String.format(
                        "  #%d %s -> %s flags=%02x seq=%d ack=%d len=%d%n",
                        p.number(),
                        s.segment().src(),
                        s.segment().dst(),
                        h.flags(),
                        h.seq().value(),
                        h.ack().value(),
                        h.payloadLength()));
            } else {
                sb.append("  #").append(p.number()).append(' ').append(r).append('\n');
            }
        });
        return sb.append("client port ").append(clientPort).toString();
    }

    private static boolean sawUdp(byte[] file) {
        boolean[] seen = {false};
        try {
            CaptureFile.read(ByteBuffer.wrap(file), p -> {
                if (PacketDecoder.decode(p) instanceof PacketDecoder.Skipped s
                        && s.detail().equals("UDP")) seen[0] = true;
            });
        } catch (CaptureFormatException e) {
            return false;
        }
        return seen[0];
    }

    private static boolean lastAckSeen(byte[] file, int clientPort) {
        List<CapturedSegment> segs = new ArrayList<>();
        try {
            CaptureFile.read(ByteBuffer.wrap(file), p -> {
                if (PacketDecoder.decode(p) instanceof PacketDecoder.Segment s) segs.add(s.segment());
            });
        } catch (CaptureFormatException e) {
            return false;
        }
        org.tcplab.engine.wire.SeqNum serverFin = null;
        for (CapturedSegment s : segs) {
            TcpHeader h = TcpHeader.of(s);
            boolean fromClient = s.src().port() == clientPort;
            if (!fromClient && h.fin()) serverFin = h.seq().plus(h.payloadLength());
            if (fromClient && serverFin != null && h.hasAck() && h.ack().equals(serverFin.plus(1))) return true;
        }
        return false;
    }

    /** The longest prefix made of whole records, or null if not even the file header is there. */
    private static byte[] complete(byte[] b, boolean pcapng) {
        int pos;
        if (pcapng) {
            if (b.length < 12) return null;
            ByteOrder order =
                    ByteBuffer.wrap(b, 8, 4).getInt() == 0x1a2b3c4d ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            ByteBuffer f = ByteBuffer.wrap(b).order(order);
            pos = 0;
            while (pos + 8 <= b.length) {
                int len = f.getInt(pos + 4);
                if (len < 12 || pos + len > b.length) break;
                pos += len;
            }
        } else {
            if (b.length < 24) return null;
            ByteOrder order = ByteBuffer.wrap(b).getInt(0) == 0xa1b2c3d4
                            || ByteBuffer.wrap(b).getInt(0) == 0xa1b23c4d
                    ? ByteOrder.BIG_ENDIAN
                    : ByteOrder.LITTLE_ENDIAN;
            ByteBuffer f = ByteBuffer.wrap(b).order(order);
            pos = 24;
            while (pos + 16 <= b.length) {
                int len = f.getInt(pos + 8);
                if (pos + 16 + len > b.length) break;
                pos += 16 + len;
            }
        }
        return java.util.Arrays.copyOf(b, pos);
    }
}
