package org.tcplab.engine.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.engine.sim.Simulation;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.Frame;
import org.tcplab.engine.stack.Outbound;
import org.tcplab.engine.stack.Rfc6528IsnSource;
import org.tcplab.engine.stack.TcpHost;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;

/**
 * One connection's life, the same work on both sides of the comparison: handshake, 16 bytes from
 * the client, close from both ends. {@link #simCycle} runs it in our simulation (both hosts our
 * stack, through TIME-WAIT, virtual time); {@link #linuxLoopbackCycle} runs it with Java sockets
 * over Linux loopback (connect, write 16 bytes, close; the acceptor reads to the end and closes).
 * {@link #hostPairCycle} runs it on two bare {@link TcpHost}s that hand each other encoded bytes
 * directly: the stack and the codec alone, without the simulation's scheduler, link, fault rules,
 * connection naming and display views, so the difference to {@link #simCycle} is their cost.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CycleBench {

    private static final long MAX_STEPS = 10_000_000;

    @State(Scope.Thread)
    public static class Sim {
        Simulation sim;
        int port = 1024;
        final byte[] data = new byte[16];

        @Setup(Level.Trial)
        public void start() {
            sim = new Simulation(SimConfig.defaults(1), EventSink.NONE);
            sim.listen(HostName.SERVER, 80);
        }

        @TearDown(Level.Trial)
        public void check() {
            // Every cycle must really have closed both ends, or the figure measures something else.
            if (!sim.host(HostName.CLIENT).connections().isEmpty()
                    || !sim.host(HostName.SERVER).connections().isEmpty()) {
                throw new IllegalStateException("simulated cycles left connections behind");
            }
        }
    }

    @Benchmark
    public long simCycle(Sim s) {
        Simulation sim = s.sim;
        String c = sim.connect(HostName.CLIENT, s.port, 80, null, null, false);
        sim.runUntil(sim.nowUs() + 50_000); // handshake: one round trip at 10 ms each way
        if (sim.host(HostName.SERVER).state(sim.connectionKey(c, HostName.SERVER)) != TcpState.ESTABLISHED) {
            throw new IllegalStateException("simulated handshake did not complete");
        }
        sim.send(c, HostName.CLIENT, s.data);
        sim.close(c, HostName.CLIENT);
        sim.runUntil(sim.nowUs() + 50_000); // data and FIN arrive, the server is in CLOSE-WAIT
        sim.close(c, HostName.SERVER);
        if (!sim.runUntilIdle(MAX_STEPS)) throw new IllegalStateException("simulation did not settle");
        s.port = s.port >= 65535 ? 1024 : s.port + 1;
        return sim.nowUs();
    }

    @State(Scope.Thread)
    public static class HostPair {
        TcpHost client;
        TcpHost server;
        long nowUs;
        long segmentIds;
        int port = 1024;
        final byte[] data = new byte[16];

        @Setup(Level.Trial)
        public void start() {
            client = new TcpHost(
                    HostName.CLIENT,
                    Ipv4Address.CLIENT_DEFAULT,
                    TcpConfig.defaults(),
                    new Rfc6528IsnSource(new byte[] {1}),
                    (h, k) -> "c",
                    EventSink.NONE);
            server = new TcpHost(
                    HostName.SERVER,
                    Ipv4Address.SERVER_DEFAULT,
                    TcpConfig.defaults(),
                    new Rfc6528IsnSource(new byte[] {2}),
                    (h, k) -> "c",
                    EventSink.NONE);
            server.listen(0, 80, 128);
        }

        /** Delivers whatever either host sends, as bytes, until neither has anything to send now. */
        void exchange() {
            boolean moved = true;
            while (moved) {
                moved = deliver(client, server) | deliver(server, client);
            }
        }

        private boolean deliver(TcpHost from, TcpHost to) {
            boolean any = false;
            for (Outbound o : from.poll(nowUs)) {
                to.receive(nowUs, new Frame(++segmentIds, o.connection(), TcpCodec.encode(o.datagram())));
                any = true;
            }
            return any;
        }

        /** Moves time from deadline to deadline until nothing is pending (TIME-WAIT included). */
        void runToIdle() {
            exchange();
            while (true) {
                long at = Math.min(client.pollAt(), server.pollAt());
                if (at == Long.MAX_VALUE) return;
                nowUs = Math.max(nowUs, at);
                exchange();
            }
        }
    }

    @Benchmark
    public long hostPairCycle(HostPair p) {
        ConnectionKey k = p.client.open(p.nowUs, p.port, Ipv4Address.SERVER_DEFAULT, 80, null);
        p.exchange();
        if (p.client.state(k) != TcpState.ESTABLISHED) throw new IllegalStateException("handshake did not complete");
        p.client.send(p.nowUs, k, p.data);
        p.client.close(p.nowUs, k);
        p.exchange();
        p.server.close(p.nowUs, k.reversed());
        p.runToIdle();
        if (!p.client.connections().isEmpty() || !p.server.connections().isEmpty()) {
            throw new IllegalStateException("the cycle left connections behind");
        }
        p.port = p.port >= 65535 ? 1024 : p.port + 1;
        return p.nowUs;
    }

    @State(Scope.Benchmark)
    public static class Loopback {
        ServerSocket server;
        Thread acceptor;
        InetSocketAddress to;
        volatile boolean running;
        final byte[] data = new byte[16];

        @Setup(Level.Trial)
        public void start() throws IOException {
            InetAddress lo = InetAddress.getLoopbackAddress();
            server = new ServerSocket(0, 1024, lo);
            to = new InetSocketAddress(lo, server.getLocalPort());
            running = true;
            acceptor = new Thread(
                    () -> {
                        byte[] buf = new byte[64];
                        while (running) {
                            try (Socket s = server.accept();
                                    InputStream in = s.getInputStream()) {
                                while (in.read(buf) >= 0) {
                                    // read to the client's FIN, then close ours
                                }
                            } catch (IOException e) {
                                if (running) throw new IllegalStateException(e);
                            }
                        }
                    },
                    "bench-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            running = false;
            server.close();
            acceptor.join(5000);
        }
    }

    @Benchmark
    public void linuxLoopbackCycle(Loopback l) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(l.to);
            OutputStream out = s.getOutputStream();
            out.write(l.data);
        }
    }
}
