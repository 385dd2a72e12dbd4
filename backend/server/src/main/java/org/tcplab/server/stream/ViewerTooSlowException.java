package org.tcplab.server.stream;

/** A viewer fell further behind than its buffer allows: it is closed rather than allowed to slow the lab or the others. */
public final class ViewerTooSlowException extends RuntimeException {
    public ViewerTooSlowException(int events, long bytes) {
        super("viewer fell more than " + events + " events or " + bytes + " bytes behind", null, false, false);
    }
}
