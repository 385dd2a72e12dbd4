package org.tcplab.server.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.tcplab.engine.capture.CaptureImport;
import org.tcplab.engine.capture.CaptureLimits;
import org.tcplab.engine.capture.Conversation;
import org.tcplab.engine.capture.ConversationReplay;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.server.lab.LabService;

/**
 * Not a test (Maven profile {@code bench}): the time and heap a 100 MB capture takes. The file is
 * made here (Ethernet, 20 conversations of 5 MB bulk transfer each with their ACKs, handshake and
 * close: about 140,000 packets) and never committed. Prints {@code BENCH <name> <value> <unit>}:
 * the engine alone (read, decode, replay every conversation) and the whole upload over HTTP
 * (the labs it makes stay registered: their heap is what a server holds for them).
 *
 * <p>{@code ./mvnw -Pbench -pl backend/server -am verify -Dtest=CaptureBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dexec.skip=true}; {@code -Dbench.captureMb=100}.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tcplab.max-capture-bytes=300000000",
            "tcplab.max-capture-conversations=64",
            "tcplab.max-capture-segments=1000000",
            "tcplab.max-events-per-lab=10000000",
            "logging.level.root=WARN"
        })
class CaptureBench {

    static final int CONVERSATIONS = 20;
    static final int MSS = 1448;

    @LocalServerPort
    int port;

    @Autowired
    LabService labs;

    @Test
    void importA100MegabyteCapture(@TempDir Path dir) throws IOException {
        long target = Long.getLong("bench.captureMb", 100) * 1_000_000;
        Path file = dir.resolve("bulk.pcap");
        long packets = write(file, target);
        byte[] bytes = Files.readAllBytes(file);
        print("capture_file_bytes", bytes.length, "bytes");
        print("capture_file_packets", packets, "packets");

        // The engine alone, twice: the first run warms the JIT up, the second is measured.
        engine(bytes, false);
        long before = usedHeap();
        long t0 = System.nanoTime();
        List<ConversationReplay.Result> kept = engine(bytes, true);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long heap = usedHeap() - before;
        long events = kept.stream().mapToLong(r -> r.events().size()).sum();
        print("capture_engine_import_ms", ms, "ms");
        print("capture_engine_events", events, "events");
        print("capture_engine_heap_mb", heap / (1 << 20), "MiB");
        print("capture_engine_mb_per_s", Math.round(bytes.length / 1e6 / (ms / 1000.0)), "MB/s");
        kept = null;

        // The whole upload, streamed from the file over HTTP: body, import, 20 labs with their logs.
        bytes = null;
        before = usedHeap();
        t0 = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .build()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://localhost:" + port + "/api/captures?name=bulk.pcap"))
                                    .header("Content-Type", "application/octet-stream")
                                    .POST(HttpRequest.BodyPublishers.ofFile(file))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        ms = (System.nanoTime() - t0) / 1_000_000;
        if (response.statusCode() != 201) throw new IllegalStateException(response.body());
        heap = usedHeap() - before;
        print("capture_upload_http_ms", ms, "ms");
        print("capture_upload_labs", labs.size(), "labs");
        print("capture_upload_labs_heap_mb", heap / (1 << 20), "MiB");
        print(
                "capture_upload_heap_per_capture_mb",
                Math.round(heap / (target / 1e6) / (1 << 20) * 100) / 100.0,
                "MiB/MB");
        deleteAll();
        print("capture_heap_after_delete_mb", (usedHeap() - before) / (1 << 20), "MiB");
    }

    /** In a method of its own, so no stack slot of the caller keeps a deleted lab reachable. */
    private void deleteAll() {
        for (var lab : labs.all()) labs.delete(lab);
    }

    private static List<ConversationReplay.Result> engine(byte[] bytes, boolean keep) {
        CaptureImport.Result r = CaptureImport.read(ByteBuffer.wrap(bytes), new CaptureLimits(64, 1_000_000));
        List<ConversationReplay.Result> out = new ArrayList<>();
        for (Conversation c : r.conversations()) {
            ConversationReplay.Result replay = ConversationReplay.replay(c);
            if (keep) out.add(replay);
        }
        return out;
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static void print(String name, Object value, String unit) {
        System.out.println("BENCH " + name + " " + value + " " + unit);
    }

    /** Bulk transfers, client to server, with an ACK every second segment; returns the packets written. */
    private static long write(Path file, long targetBytes) throws IOException {
        long perConversation = targetBytes / CONVERSATIONS;
        long packets = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0xa1b2c3d4)
                    .putShort((short) 2)
                    .putShort((short) 4)
                    .putInt(0)
                    .putInt(0)
                    .putInt(262144)
                    .putInt(1);
            out.write(h.array());
            long t = 1_700_000_000_000_000L; // microseconds
            Ipv4Address client = Ipv4Address.parse("10.1.0.1");
            Ipv4Address server = Ipv4Address.parse("10.1.0.2");
            byte[] payload = new byte[MSS];
            for (int c = 0; c < CONVERSATIONS; c++) {
                int port = 40000 + c;
                long cs = 1000L * (c + 1);
                long ss = 900_000L * (c + 1);
                packets += write(
                        out,
                        t += 10,
                        client,
                        server,
                        TcpSegment.builder(port, 80)
                                .seq(cs)
                                .flags(TcpFlag.SYN)
                                .window(64240)
                                .options(
                                        new TcpOption.MaxSegmentSize(MSS),
                                        new TcpOption.NoOp(),
                                        new TcpOption.WindowScale(7))
                                .build());
                packets += write(
                        out,
                        t += 500,
                        server,
                        client,
                        TcpSegment.builder(80, port)
                                .seq(ss)
                                .ack(cs + 1)
                                .flags(TcpFlag.SYN)
                                .window(65160)
                                .options(
                                        new TcpOption.MaxSegmentSize(MSS),
                                        new TcpOption.NoOp(),
                                        new TcpOption.WindowScale(7))
                                .build());
                packets += write(
                        out,
                        t += 10,
                        client,
                        server,
                        TcpSegment.builder(port, 80)
                                .seq(cs + 1)
                                .ack(ss + 1)
                                .window(502)
                                .build());
                long sent = 0;
                long seq = cs + 1;
                int n = 0;
                long written = 0;
                while (written < perConversation) {
                    packets += write(
                            out,
                            t += 12,
                            client,
                            server,
                            TcpSegment.builder(port, 80)
                                    .seq(seq)
                                    .ack(ss + 1)
                                    .window(502)
                                    .payload(payload)
                                    .build());
                    seq += MSS;
                    sent += MSS;
                    written += 14 + 20 + 20 + MSS + 16;
                    if (++n % 2 == 0) {
                        packets += write(
                                out,
                                t += 3,
                                server,
                                client,
                                TcpSegment.builder(80, port)
                                        .seq(ss + 1)
                                        .ack(seq)
                                        .window(1024)
                                        .build());
                        written += 14 + 40 + 16;
                    }
                }
                packets += write(
                        out,
                        t += 10,
                        client,
                        server,
                        TcpSegment.builder(port, 80)
                                .seq(seq)
                                .ack(ss + 1)
                                .flags(TcpFlag.FIN)
                                .window(502)
                                .build());
                packets += write(
                        out,
                        t += 500,
                        server,
                        client,
                        TcpSegment.builder(80, port)
                                .seq(ss + 1)
                                .ack(seq + 1)
                                .flags(TcpFlag.FIN)
                                .window(1024)
                                .build());
                packets += write(
                        out,
                        t += 500,
                        client,
                        server,
                        TcpSegment.builder(port, 80)
                                .seq(seq + 1)
                                .ack(ss + 2)
                                .window(502)
                                .build());
                if (sent == 0) throw new IllegalStateException("empty conversation");
            }
        }
        return packets;
    }

    private static int write(OutputStream out, long us, Ipv4Address src, Ipv4Address dst, TcpSegment s)
            throws IOException {
        byte[] ip = TcpCodec.encode(new TcpDatagram(src, dst, s));
        ByteBuffer rec = ByteBuffer.allocate(16 + 14 + ip.length).order(ByteOrder.LITTLE_ENDIAN);
        rec.putInt((int) (us / 1_000_000))
                .putInt((int) (us % 1_000_000))
                .putInt(14 + ip.length)
                .putInt(14 + ip.length);
        rec.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0});
        rec.put(ip);
        out.write(rec.array());
        return 1;
    }
}
