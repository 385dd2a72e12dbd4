package org.tcplab.tap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;

/**
 * A TAP device (IFF_TAP | IFF_NO_PI: whole Ethernet frames, no packet-info prefix) created inside a
 * namespace, read and written through JNA on one non-blocking descriptor. An eventfd lets other
 * threads wake a reader waiting in {@link #await}. Reads belong to one thread, writes to one thread
 * (they may be different: nothing here serialises them).
 *
 * <p>{@link #capture} gives the same frames-on-a-descriptor handling for an AF_PACKET socket on an
 * interface (what libpcap opens underneath): every frame the interface sends or receives, waited
 * for with {@code poll(2)} like the tap's.
 */
public final class TapDevice implements AutoCloseable {

    /** Largest frame we read: Ethernet header + 1500-byte MTU, with room for a VLAN tag. */
    public static final int MAX_FRAME = 1522;

    private static final int READ_SIZE = 65536;

    private final String name;
    private final int fd;
    private final int wakeFd;
    private final Memory readBuf = new Memory(65536);
    private final Memory writeBuf = new Memory(65536);
    private final Memory pollFds = new Memory(16);
    private final Memory eight = new Memory(8);
    private final Memory one = new Memory(8);
    /** Orders {@link #wake} (any thread) against {@link #close}, so no wake-up lands on a reused descriptor. */
    private final Object lifecycle = new Object();

    private volatile boolean closed;

    private TapDevice(String name, int fd, int wakeFd) {
        this.name = name;
        this.fd = fd;
        this.wakeFd = wakeFd;
        one.setLong(0, 1L);
    }

    /**
     * Creates the device {@code name} in {@code ns} (the descriptor is opened by the namespace's
     * thread, so the kernel creates the interface there), sets the Linux side's address on it and
     * brings it up. The device has carrier from here on because we hold its descriptor.
     */
    public static TapDevice open(NetNamespace ns, String name, String linuxCidr) {
        if (name.getBytes(StandardCharsets.US_ASCII).length > 15) {
            throw new IllegalArgumentException("interface names have at most 15 characters: " + name);
        }
        TapDevice dev = ns.inside(() -> {
            int fd = LibC.INSTANCE.open("/dev/net/tun", LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
            try {
                Memory ifr = new Memory(40);
                ifr.clear();
                ifr.write(0, name.getBytes(StandardCharsets.US_ASCII), 0, name.length());
                ifr.setShort(16, (short) (LibC.IFF_TAP | LibC.IFF_NO_PI));
                LibC.INSTANCE.ioctl(fd, new NativeLong(LibC.TUNSETIFF), ifr);
                int wake = LibC.INSTANCE.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
                return new TapDevice(name, fd, wake);
            } catch (LastErrorException e) {
                LibC.INSTANCE.close(fd);
                throw new TapException("TUNSETIFF " + name + ": errno " + e.getErrorCode(), e);
            }
        });
        try {
            if (linuxCidr != null) {
                ns.ip("addr", "add", linuxCidr, "dev", name);
            }
            ns.ip("link", "set", name, "up");
        } catch (RuntimeException e) {
            dev.close();
            throw e;
        }
        return dev;
    }

    public String name() {
        return name;
    }

    /**
     * Waits until a frame can be read, {@link #wake()} was called, or {@code timeoutMs} passed
     * (negative: forever). Returns true if the device is readable.
     */
    public boolean await(int timeoutMs) {
        if (closed) {
            return false;
        }
        pollFds.setInt(0, fd);
        pollFds.setShort(4, LibC.POLLIN);
        pollFds.setShort(6, (short) 0);
        pollFds.setInt(8, wakeFd);
        pollFds.setShort(12, LibC.POLLIN);
        pollFds.setShort(14, (short) 0);
        if (LibCDirect.poll(pollFds, 2, timeoutMs) < 0) {
            int errno = LibCDirect.errno();
            if (errno == LibC.EINTR) {
                return false;
            }
            throw new TapException("poll on " + name + ": errno " + errno);
        }
        if ((pollFds.getShort(14) & LibC.POLLIN) != 0) {
            LibCDirect.read(wakeFd, eight, 8); // -1 (EAGAIN): another wake-up already drained it
        }
        return (pollFds.getShort(6) & LibC.POLLIN) != 0;
    }

    /**
     * Every frame {@code ifname} (in {@code ns}) sends or receives, read from an AF_PACKET socket
     * bound to it (ETH_P_ALL, as {@code tcpdump -i ifname}). Writing to it would send on the wire.
     */
    static TapDevice capture(NetNamespace ns, String ifname) {
        return ns.inside(() -> {
            int ifindex = LibC.INSTANCE.if_nametoindex(ifname);
            if (ifindex == 0) throw new TapException("no interface " + ifname + " in " + ns.name());
            int fd = LibC.INSTANCE.socket(
                    LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, LibC.ETH_P_ALL_NETWORK);
            try {
                // struct sockaddr_ll: family, protocol (network order), ifindex, then zeros.
                Memory ll = new Memory(20);
                ll.clear();
                ll.setShort(0, (short) LibC.AF_PACKET);
                ll.setShort(2, (short) LibC.ETH_P_ALL_NETWORK);
                ll.setInt(4, ifindex);
                LibC.INSTANCE.bind(fd, ll, 20);
                int wake = LibC.INSTANCE.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
                return new TapDevice("capture on " + ifname, fd, wake);
            } catch (LastErrorException e) {
                LibC.INSTANCE.close(fd);
                throw new TapException("AF_PACKET socket on " + ifname + ": errno " + e.getErrorCode(), e);
            }
        });
    }

    /** Makes a thread blocked in {@link #await} return now. Any thread may call this. */
    public void wake() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            LibCDirect.write(wakeFd, one, 8); // -1 (EAGAIN): counter saturated, the reader wakes anyway
        }
    }

    /** Reads one frame without blocking; null if none is waiting. */
    public byte[] read() {
        if (closed) {
            return null;
        }
        long n = LibCDirect.read(fd, readBuf, READ_SIZE);
        if (n < 0) {
            int errno = LibCDirect.errno();
            if (errno == LibC.EAGAIN || errno == LibC.EINTR) {
                return null;
            }
            throw new TapException("read " + name + ": errno " + errno);
        }
        return n == 0 ? null : readBuf.getByteArray(0, (int) n);
    }

    /** Writes one whole Ethernet frame (the kernel takes it as received on the interface). */
    public void write(byte[] frame) {
        if (closed) {
            return;
        }
        writeBuf.write(0, frame, 0, frame.length);
        if (LibCDirect.write(fd, writeBuf, frame.length) < 0) {
            throw new TapException("write " + name + ": errno " + LibCDirect.errno());
        }
    }

    /** Whether {@link #close} ran. */
    public boolean closed() {
        return closed;
    }

    /**
     * Closes the descriptors (which removes the non-persistent device from its namespace). Call it
     * from the thread that reads and polls, or once that thread has stopped: a descriptor closed
     * under a reader may be reused by the next {@code open} anywhere in the process.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            LibC.INSTANCE.close(fd);
            LibC.INSTANCE.close(wakeFd);
        }
    }
}
