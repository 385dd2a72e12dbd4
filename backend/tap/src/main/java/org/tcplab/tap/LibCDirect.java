package org.tcplab.tap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The per-frame (and per-poll) libc calls with JNA direct mapping: several times cheaper per call
 * than the interface proxy of {@link LibC}, which matters at hundreds of thousands of frames a
 * second. Sizes are primitive {@code long} ({@code size_t}/{@code ssize_t} on LP64 Linux, where TAP
 * runs), not JNA's {@code NativeLong}, whose conversion builds an object by reflection on every call.
 */
final class LibCDirect {

    static {
        Native.register("c");
    }

    private LibCDirect() {}

    static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    static native long write(int fd, Pointer buf, long count) throws LastErrorException;

    static native int poll(Pointer fds, long nfds, int timeoutMs) throws LastErrorException;

    static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrLen)
            throws LastErrorException;

    static native long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;
}
