package org.tcplab.tap;

/** Something about the TAP device, the namespace or the Linux side failed. */
public class TapException extends RuntimeException {

    public TapException(String message) {
        super(message);
    }

    public TapException(String message, Throwable cause) {
        super(message, cause);
    }
}
