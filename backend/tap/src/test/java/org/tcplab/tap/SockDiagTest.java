package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;

/** Exact sock_diag lookups agree with /proc/net/tcp, inside a namespace of the test's own. */
class SockDiagTest {

    private static final Ipv4Address LO = Ipv4Address.parse("127.0.0.1");

    @BeforeEach
    void needsRoot() {
        RootOnly.assumeTapAvailable();
    }

    @Test
    void exactLookupsSeeEstablishedEndsAndNotListenersOrStrangers() throws Exception {
        try (NetNamespace ns = NetNamespace.create();
                SockDiag diag = SockDiag.open(ns)) {
            ServerSocket server = ns.inside(() -> {
                ServerSocket s =
                        ServerSocketChannel.open(StandardProtocolFamily.INET).socket();
                s.bind(new InetSocketAddress("127.0.0.1", 8080));
                return s;
            });
            Socket client = ns.inside(() -> {
                Socket s = SocketChannel.open(StandardProtocolFamily.INET).socket();
                s.connect(new InetSocketAddress("127.0.0.1", 8080));
                return s;
            });
            Socket accepted = server.accept();
            ConnectionKey clientEnd = new ConnectionKey(LO, client.getLocalPort(), LO, 8080);

            assertThat(diag.state(clientEnd)).isEqualTo(TcpState.ESTABLISHED);
            assertThat(diag.state(clientEnd.reversed())).isEqualTo(TcpState.ESTABLISHED);
            // A tuple nobody has: the lookup falls back to the listener on 8080, which is not it.
            assertThat(diag.state(new ConnectionKey(LO, 8080, LO, 1))).isNull();
            assertThat(diag.state(new ConnectionKey(LO, 9, LO, 1))).isNull();
            List<ProcNetTcp.Entry> proc = ProcNetTcp.read(ns.procNetTcp());
            assertThat(proc)
                    .contains(
                            new ProcNetTcp.Entry(clientEnd, TcpState.ESTABLISHED),
                            new ProcNetTcp.Entry(clientEnd.reversed(), TcpState.ESTABLISHED));

            client.shutdownOutput();
            long deadline = System.currentTimeMillis() + 2000;
            while (diag.state(clientEnd) != TcpState.FIN_WAIT_2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertThat(diag.state(clientEnd)).isEqualTo(TcpState.FIN_WAIT_2);
            assertThat(diag.state(clientEnd.reversed())).isEqualTo(TcpState.CLOSE_WAIT);
            accepted.close();
            client.close();
            server.close();
            try (LinuxObserver observer = new LinuxObserver(ns, LO)) {
                assertThat(observer.source()).isEqualTo("sock_diag");
            }
        }
    }
}
