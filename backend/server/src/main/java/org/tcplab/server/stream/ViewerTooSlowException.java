package org.tcplab.server.stream;

/** A viewer's buffer overflowed: it is closed rather than allowed to slow the lab or the others. */
public final class ViewerTooSlowException extends RuntimeException {
    public ViewerTooSlowException(int buffer) {
        super("viewer fell more than " + buffer + " events behind", null, false, false);
    }
}
