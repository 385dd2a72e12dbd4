package org.tcplab.tap;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.tcp.TcpState;

/**
 * Asks the kernel for one TCP socket's state by its exact 4-tuple over NETLINK_SOCK_DIAG (what
 * {@code ss} uses), in the namespace the netlink socket was created in. Reading the whole
 * {@code /proc/net/tcp} walks every bucket of the kernel's connection hash, which namespaces share
 * by default: about 10 ms a read on this machine, far too slow to poll every few milliseconds. An
 * exact lookup is a hash probe (a netlink dump walks the shared hash too: no cheaper). Used by one
 * thread; the calls go through JNA's direct mapping ({@link LibCDirect}), as every poll makes one per
 * connection watched.
 */
final class SockDiag implements AutoCloseable {

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final short SOCK_DIAG_BY_FAMILY = 20;
    private static final short NLMSG_ERROR = 2;
    private static final short NLM_F_REQUEST = 1;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int REQUEST_LENGTH = 16 + 56;
    private static final int REPLY_SIZE = 8192;

    private final int fd;
    private final Memory request = new Memory(REQUEST_LENGTH);
    private final Memory reply = new Memory(REPLY_SIZE);
    /** One view of the request, made once: JNA registers every view it hands out, which is not cheap. */
    private final ByteBuffer requestView = request.getByteBuffer(0, REQUEST_LENGTH);

    private final Memory kernel = new Memory(12);
    private int seq;
    private boolean closed;

    private SockDiag(int fd) {
        this.fd = fd;
        kernel.clear();
        kernel.setShort(0, (short) AF_NETLINK); // sockaddr_nl to pid 0: the kernel
    }

    /** Opens the netlink socket on the namespace's thread, so its questions are about that namespace. */
    static SockDiag open(NetNamespace ns) {
        return ns.inside(
                () -> new SockDiag(LibC.INSTANCE.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)));
    }

    /**
     * The state of the socket whose local and remote ends are {@code key}'s, or null if there is
     * none (listeners do not count: a lookup that falls back to one means the connection is gone).
     */
    TcpState state(ConnectionKey key) {
        ByteBuffer b = requestView.clear().order(ByteOrder.nativeOrder());
        b.putInt(REQUEST_LENGTH)
                .putShort(SOCK_DIAG_BY_FAMILY)
                .putShort(NLM_F_REQUEST)
                .putInt(++seq)
                .putInt(0);
        // struct inet_diag_req_v2: family, protocol, ext, pad, states
        b.put((byte) 2).put((byte) 6).put((byte) 0).put((byte) 0).putInt(-1);
        // struct inet_diag_sockid: ports and addresses in network order, then interface and cookie
        b.order(ByteOrder.BIG_ENDIAN)
                .putShort((short) key.localPort())
                .putShort((short) key.remotePort())
                .putInt(key.localIp().bits())
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(key.remoteIp().bits())
                .putInt(0)
                .putInt(0)
                .putInt(0);
        b.order(ByteOrder.nativeOrder()).putInt(0).putInt(-1).putInt(-1); // INET_DIAG_NOCOOKIE
        if (LibCDirect.sendto(fd, request, REQUEST_LENGTH, 0, kernel, 12) < 0) {
            throw new TapException("sock_diag: errno " + LibCDirect.errno());
        }
        // The kernel answers within sendto, so the reply is already queued.
        long n = LibCDirect.recv(fd, reply, REPLY_SIZE, MSG_DONTWAIT);
        if (n < 0) {
            throw new TapException("sock_diag: errno " + LibCDirect.errno());
        }
        if (n < 16) {
            throw new TapException("sock_diag: short reply (" + n + " bytes)");
        }
        short type = reply.getShort(4);
        if (type == NLMSG_ERROR) {
            int error = reply.getInt(16);
            if (error == -2) {
                return null; // ENOENT: no such socket
            }
            throw new TapException("sock_diag: error " + error);
        }
        int state = reply.getByte(17) & 0xff;
        int remotePort = ((reply.getByte(22) & 0xff) << 8) | (reply.getByte(23) & 0xff);
        TcpState s = ProcNetTcp.state(state);
        if (s == TcpState.LISTEN || remotePort != key.remotePort() || s == TcpState.CLOSED) {
            return null;
        }
        return s;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.close(fd);
        }
    }
}
