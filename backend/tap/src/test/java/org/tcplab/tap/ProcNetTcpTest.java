package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;

class ProcNetTcpTest {

    private static final Ipv4Address LINUX = Ipv4Address.parse("198.51.100.1");
    private static final Ipv4Address OURS = Ipv4Address.parse("198.51.100.2");

    /** What the kernel prints for an address: the network-order word read as a native int. */
    private static String hex(Ipv4Address a) {
        int word = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(a.bits()) : a.bits();
        return String.format("%08X", word);
    }

    private static String line(int sl, Ipv4Address l, int lp, Ipv4Address r, int rp, String st) {
        return String.format(
                "  %d: %s:%04X %s:%04X %s 00000000:00000000 00:00000000 00000000     0        0 4711 1 0000000000000000 100 0 0 10 0",
                sl, hex(l), lp, hex(r), rp, st);
    }

    @Test
    void parsesAddressesPortsAndEveryStateCode() {
        List<String> lines = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                line(0, LINUX, 8080, Ipv4Address.parse("0.0.0.0"), 0, "0A"),
                line(1, LINUX, 8080, OURS, 40000, "01"),
                line(2, LINUX, 8080, OURS, 40001, "06"),
                line(3, LINUX, 8080, OURS, 40002, "0B"));
        List<ProcNetTcp.Entry> e = ProcNetTcp.parse(lines);
        assertThat(e).hasSize(4);
        assertThat(e.get(0).state()).isEqualTo(TcpState.LISTEN);
        assertThat(e.get(1).key()).isEqualTo(new ConnectionKey(LINUX, 8080, OURS, 40000));
        assertThat(e.get(1).state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(e.get(2).state()).isEqualTo(TcpState.TIME_WAIT);
        assertThat(e.get(3).state()).isEqualTo(TcpState.CLOSING);
    }

    @Test
    void mapsTheKernelsHexCodesToRfcStates() {
        assertThat(ProcNetTcp.state(0x02)).isEqualTo(TcpState.SYN_SENT);
        assertThat(ProcNetTcp.state(0x03)).isEqualTo(TcpState.SYN_RECEIVED);
        assertThat(ProcNetTcp.state(0x04)).isEqualTo(TcpState.FIN_WAIT_1);
        assertThat(ProcNetTcp.state(0x05)).isEqualTo(TcpState.FIN_WAIT_2);
        assertThat(ProcNetTcp.state(0x07)).isEqualTo(TcpState.CLOSED);
        assertThat(ProcNetTcp.state(0x08)).isEqualTo(TcpState.CLOSE_WAIT);
        assertThat(ProcNetTcp.state(0x09)).isEqualTo(TcpState.LAST_ACK);
        assertThat(ProcNetTcp.state(0x0D)).isNull();
    }

    @Test
    void trackerReportsPassiveOpensFromListenAndDisappearanceAsClosed() {
        LinuxStateTracker t = new LinuxStateTracker();
        ConnectionKey conn = new ConnectionKey(LINUX, 8080, OURS, 40000);
        ProcNetTcp.Entry listener =
                new ProcNetTcp.Entry(new ConnectionKey(LINUX, 8080, Ipv4Address.parse("0.0.0.0"), 0), TcpState.LISTEN);

        assertThat(t.update(List.of(listener))).isEmpty();
        assertThat(t.update(List.of(listener, new ProcNetTcp.Entry(conn, TcpState.ESTABLISHED))))
                .containsExactly(new LinuxStateTracker.Transition(conn, TcpState.LISTEN, TcpState.ESTABLISHED));
        assertThat(t.update(List.of(listener, new ProcNetTcp.Entry(conn, TcpState.ESTABLISHED))))
                .isEmpty();
        assertThat(t.update(List.of(listener, new ProcNetTcp.Entry(conn, TcpState.CLOSE_WAIT))))
                .containsExactly(new LinuxStateTracker.Transition(conn, TcpState.ESTABLISHED, TcpState.CLOSE_WAIT));
        assertThat(t.update(List.of(listener)))
                .containsExactly(new LinuxStateTracker.Transition(conn, TcpState.CLOSE_WAIT, TcpState.CLOSED));
        assertThat(t.tracking()).isFalse();
    }

    @Test
    void trackerReportsActiveOpensFromClosed() {
        LinuxStateTracker t = new LinuxStateTracker();
        ConnectionKey conn = new ConnectionKey(LINUX, 51000, OURS, 80);
        assertThat(t.update(List.of(new ProcNetTcp.Entry(conn, TcpState.SYN_SENT))))
                .containsExactly(new LinuxStateTracker.Transition(conn, TcpState.CLOSED, TcpState.SYN_SENT));
        assertThat(t.state(conn)).isEqualTo(TcpState.SYN_SENT);
        // State 07 is a socket with no connection left: the same as gone.
        assertThat(t.update(List.of(new ProcNetTcp.Entry(conn, TcpState.CLOSED))))
                .containsExactly(new LinuxStateTracker.Transition(conn, TcpState.SYN_SENT, TcpState.CLOSED));
    }
}
