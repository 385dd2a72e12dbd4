package org.tcplab.tap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.TapInfo;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.TcpFlags;

/**
 * Records the captures the server ships as "Linux, recorded" (backend/server/src/main/resources/captures):
 * TAP labs, our stack against the Linux kernel in a namespace of their own, captured by tcpdump or
 * dumpcap on the TAP device inside that namespace (so on Linux's side of any fault). A tool, not a
 * test: {@code scripts/record-captures.sh} runs it as root. It waits on wall time for the capture
 * tools, which say they capture a little before they do.
 */
public final class RecordCaptures {

    private final Path out;

    private RecordCaptures(Path out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        TapSupport.Availability a = TapSupport.check();
        if (!a.available()) throw new IllegalStateException("TAP labs unavailable: " + a.reason());
        RecordCaptures r = new RecordCaptures(Path.of(args.length > 0 ? args[0] : "."));
        Files.createDirectories(r.out);
        r.handshake();
        r.refused();
        r.synAckLost();
        r.simultaneousClose();
    }

    /** Our stack opens, sends a line, Linux answers, our stack closes first, Linux closes after it. */
    private void handshake() throws Exception {
        record("linux-handshake.pcap", "tcpdump", lab -> {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 80);
            String c = lab.connect(ours, 40000, 80, null, null);
            await(() -> lab.state(c, linux) == TcpState.ESTABLISHED);
            lab.send(c, ours, "GET / HTTP/1.0\r\n\r\n".getBytes());
            await(() -> lab.received(c, linux).length == 18);
            lab.send(c, linux, "HTTP/1.0 200 OK\r\n\r\nhello\n".getBytes());
            await(() -> lab.received(c, ours).length == 25);
            lab.close(c, ours);
            await(() -> lab.state(c, linux) == TcpState.CLOSE_WAIT);
            lab.close(c, linux);
            await(() -> lab.state(c, ours) == TcpState.TIME_WAIT);
        });
    }

    /** A SYN to a port nothing listens on. */
    private void refused() throws Exception {
        record("linux-refused.pcapng", "dumpcap", lab -> {
            String c = lab.connect(lab.ourHost(), 40001, 81, null, null);
            await(() -> lab.state(c, lab.ourHost()) == TcpState.CLOSED);
        });
    }

    /** Linux's first SYN,ACK is dropped after it left Linux (and after the capture saw it). */
    private void synAckLost() throws Exception {
        record("linux-syn-ack-lost.pcapng", "dumpcap", lab -> {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.addFault(FaultRule.of(Direction.SERVER_TO_CLIENT, FaultAction.DROP)
                    .withOnlyFlags(TcpFlags.SYN_ACK)
                    .withCount(1));
            lab.listen(linux, 80);
            String c = lab.connect(ours, 40002, 80, null, null);
            await(() -> lab.state(c, ours) == TcpState.ESTABLISHED && lab.state(c, linux) == TcpState.ESTABLISHED);
            lab.close(c, ours);
            await(() -> lab.state(c, linux) == TcpState.CLOSE_WAIT);
            lab.close(c, linux);
            await(() -> lab.state(c, ours) == TcpState.TIME_WAIT);
        });
    }

    /**
     * Both close at once: each FIN is held 50 ms on its way (a longer wire), so each side sends its
     * FIN before the other's arrives and the FINs cross (RFC 9293 figure 13).
     */
    private void simultaneousClose() throws Exception {
        record("linux-simultaneous-close.pcapng", "dumpcap", lab -> {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 80);
            String c = lab.connect(ours, 40003, 80, null, null);
            await(() -> lab.state(c, linux) == TcpState.ESTABLISHED);
            for (Direction d : List.of(Direction.CLIENT_TO_SERVER, Direction.SERVER_TO_CLIENT)) {
                lab.addFault(FaultRule.of(d, FaultAction.DELAY)
                        .withOnlyFlags(TcpFlags.FIN_ACK)
                        .withDelayUs(50_000)
                        .withCount(1));
            }
            lab.close(c, ours);
            lab.close(c, linux);
            await(() -> lab.state(c, ours) == TcpState.TIME_WAIT && lab.state(c, linux) == TcpState.TIME_WAIT);
        });
    }

    interface Scenario {
        void run(TapLab lab) throws Exception;
    }

    private void record(String file, String tool, Scenario scenario) throws Exception {
        Path target = out.resolve(file);
        Files.deleteIfExists(target);
        try (TapLab lab = TapLab.start(TapLabConfig.defaults("server"), EventSink.NONE)) {
            TapInfo info = lab.tapInfo().orElseThrow();
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", info.namespace()));
            if (tool.equals("tcpdump")) {
                cmd.addAll(List.of(
                        "tcpdump", "-i", info.device(), "-U", "--immediate-mode", "-w", target.toString(), "tcp"));
            } else {
                cmd.addAll(List.of("dumpcap", "-q", "-i", info.device(), "-f", "tcp", "-w", target.toString()));
            }
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Thread.sleep(2000); // the tool is up before it captures
            scenario.run(lab);
            Thread.sleep(500);
            p.destroy(); // SIGTERM: both tools write what they hold and exit
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        System.out.println("recorded " + target + " (" + Files.size(target) + " bytes)");
    }

    interface Condition {
        boolean holds();
    }

    private static void await(Condition c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.holds()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the recording did not get there");
            Thread.sleep(10);
        }
    }
}
