package org.tcplab.tap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The few libc calls Java has no API for, made once per lab or socket: the TUN ioctl, setns,
 * eventfd, sockets for netlink and packet capture. The per-frame calls (read, write, poll, and the
 * netlink exchange) are {@link LibCDirect}'s. Frames go through JNA rather than a RandomAccessFile
 * channel, whose position lock would let a blocked reader stall the writer (environment.md pitfall).
 */
interface LibC extends Library {

    LibC INSTANCE = Native.load("c", LibC.class);

    int O_RDWR = 0x2;
    int O_RDONLY = 0x0;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    /** _IOW('T', 202, int), linux/if_tun.h. */
    long TUNSETIFF = 0x400454caL;

    short IFF_TAP = 0x0002;
    short IFF_NO_PI = 0x1000;
    int CLONE_NEWNET = 0x40000000;
    short POLLIN = 0x1;
    int EFD_NONBLOCK = 0x800;
    int EFD_CLOEXEC = 0x80000;
    int EAGAIN = 11;
    int AF_INET = 2;
    int SOCK_DGRAM = 2;
    int AF_PACKET = 17;
    long SIOCETHTOOL = 0x8946;
    int ETHTOOL_STXCSUM = 0x17;
    int SOCK_RAW = 3;
    int SOCK_NONBLOCK = 0x800;
    int SOCK_CLOEXEC = 0x80000;
    /** htons(ETH_P_ALL): every protocol, in network order, as the native short a sockaddr_ll holds. */
    int ETH_P_ALL_NETWORK = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 0x0300 : 0x0003;

    int EINTR = 4;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

    int setns(int fd, int nstype) throws LastErrorException;

    int eventfd(int initval, int flags) throws LastErrorException;

    int gettid();

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int geteuid();

    int bind(int fd, Pointer addr, int addrLen) throws LastErrorException;

    int if_nametoindex(String ifname);
}
