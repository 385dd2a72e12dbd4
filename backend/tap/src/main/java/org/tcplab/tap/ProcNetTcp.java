package org.tcplab.tap;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;

/**
 * The kernel's own view of its IPv4 TCP sockets: {@code /proc/net/tcp} of the lab's namespace.
 * Lines look like {@code 0: 016433C6:1F90 026433C6:A3F2 01 ...}: addresses are the in-memory
 * (network order) 32-bit word printed as a native integer, ports are host-order hex, then the state.
 */
public final class ProcNetTcp {

    private ProcNetTcp() {}

    /** One socket: its 4-tuple seen from Linux, and its state. */
    public record Entry(ConnectionKey key, TcpState state) {}

    public static List<Entry> read(Path file) {
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw new TapException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static List<Entry> parse(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) {
                continue; // the header line
            }
            TcpState state = state(Integer.parseInt(f[3], 16));
            if (state == null) {
                continue;
            }
            out.add(new Entry(new ConnectionKey(address(f[1]), port(f[1]), address(f[2]), port(f[2])), state));
        }
        return out;
    }

    /** include/net/tcp_states.h: TCP_ESTABLISHED = 1 ... TCP_CLOSING = 11 (12, NEW_SYN_RECV, prints as 3). */
    static TcpState state(int code) {
        switch (code) {
            case 0x01:
                return TcpState.ESTABLISHED;
            case 0x02:
                return TcpState.SYN_SENT;
            case 0x03:
                return TcpState.SYN_RECEIVED;
            case 0x04:
                return TcpState.FIN_WAIT_1;
            case 0x05:
                return TcpState.FIN_WAIT_2;
            case 0x06:
                return TcpState.TIME_WAIT;
            case 0x07:
                return TcpState.CLOSED;
            case 0x08:
                return TcpState.CLOSE_WAIT;
            case 0x09:
                return TcpState.LAST_ACK;
            case 0x0A:
                return TcpState.LISTEN;
            case 0x0B:
                return TcpState.CLOSING;
            case 0x0C:
                return TcpState.SYN_RECEIVED;
            default:
                return null;
        }
    }

    private static Ipv4Address address(String hexPort) {
        int word = (int) Long.parseLong(hexPort.substring(0, hexPort.indexOf(':')), 16);
        // The kernel printed the network-order word as a native int: undo the byte swap on little endian.
        return new Ipv4Address(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(word) : word);
    }

    private static int port(String hexPort) {
        return Integer.parseInt(hexPort.substring(hexPort.indexOf(':') + 1), 16);
    }
}
