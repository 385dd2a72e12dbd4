package org.tcplab.tap;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The per-frame (and per-poll) libc calls with JNA direct mapping: several times cheaper per call
 * than the interface proxy of {@link LibC}, which matters at hundreds of thousands of frames a
 * second. Sizes are primitive {@code long} ({@code size_t}/{@code ssize_t} on LP64 Linux, where TAP
 * runs), not JNA's {@code NativeLong}, whose conversion builds an object by reflection on every call.
 * Failures come back as -1 with {@link #errno()}, not as {@code LastErrorException}: the driver ends
 * every burst of reads with an EAGAIN, and an exception (a stack trace and strerror) for each cost
 * more than the frames themselves.
 */
final class LibCDirect {

    static {
        Native.register("c");
    }

    private LibCDirect() {}

    static native long read(int fd, Pointer buf, long count);

    static native long write(int fd, Pointer buf, long count);

    static native int poll(Pointer fds, long nfds, int timeoutMs);

    static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrLen);

    static native long recv(int fd, Pointer buf, long len, int flags);

    /** The errno of this thread's last call here that answered -1. */
    static int errno() {
        return Native.getLastError();
    }
}
