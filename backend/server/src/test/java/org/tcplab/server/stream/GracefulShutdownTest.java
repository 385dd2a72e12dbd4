package org.tcplab.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.server.support.Servers;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

/**
 * Stopping the server closes every viewer with 1001 "server restarting; reconnect" before the HTTP
 * server stops (not 1006, and not after waiting out the graceful shutdown's timeout). Prints the
 * shutdown time with 100 viewers.
 */
class GracefulShutdownTest {

    @TempDir
    Path dataDir;

    @Test
    void viewersAreToldToReconnectAndShutdownIsQuick() throws Exception {
        int n = 100;
        ConfigurableApplicationContext ctx = Servers.start(dataDir, List.of());
        int port = Servers.port(ctx);
        LabClient api = new LabClient(Servers.client(port));
        Created lab = api.create(Map.of());
        api.post(lab, "/listen", Map.of("host", "server", "port", 80))
                .expectStatus()
                .isCreated();

        // The viewers on event loops of their own: the server's context shares Reactor Netty's global
        // loops, and closing it tears them down, possibly before the client read every close frame.
        reactor.netty.resources.LoopResources loops = reactor.netty.resources.LoopResources.create("viewers", 2, true);
        ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient(
                reactor.netty.http.client.HttpClient.create(reactor.netty.resources.ConnectionProvider.newConnection())
                        .runOn(loops));
        List<Sinks.One<CloseStatus>> closes = new ArrayList<>();
        List<Disposable> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Sinks.One<CloseStatus> closed = Sinks.one();
            closes.add(closed);
            sockets.add(client.execute(
                            URI.create("ws://localhost:" + port + "/api/labs/" + lab.id() + "/events/stream"), s -> {
                                s.closeStatus().subscribe(closed::tryEmitValue);
                                return s.receive().then();
                            })
                    .subscribe());
        }
        Viewers viewers = ctx.getBean(Viewers.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (viewers.watched() < n && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(viewers.watched()).isEqualTo(n);

        long start = System.nanoTime();
        ctx.close();
        long ms = (System.nanoTime() - start) / 1_000_000;

        // The closes were sent before ctx.close() returned; on a loaded machine the client's own
        // event loop may take a while to read all 100 (a bound, not a timed assertion).
        long readBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (Sinks.One<CloseStatus> closed : closes) {
            CloseStatus status = closed.asMono().block(Duration.ofNanos(Math.max(1, readBy - System.nanoTime())));
            assertThat(status).isNotNull();
            assertThat(status.getCode()).isEqualTo(1001);
            assertThat(status.getReason()).isEqualTo("server restarting; reconnect");
        }
        sockets.forEach(Disposable::dispose);
        loops.disposeLater().block(Duration.ofSeconds(10));
        System.out.printf(
                "BENCH shutdown_with_%d_viewers %d ms (load %.1f)%n",
                n,
                ms,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
    }
}
