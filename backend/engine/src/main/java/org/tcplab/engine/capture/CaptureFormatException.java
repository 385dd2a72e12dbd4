package org.tcplab.engine.capture;

/**
 * An uploaded file that is not a capture we can read, with the reason in words a user can act on
 * ("the file ends in the middle of packet 17 ..."). The server answers it with a 400 problem.
 * Thrown only by the capture readers; nothing else in this package escapes as an exception.
 */
public final class CaptureFormatException extends RuntimeException {

    /** Where in the file the problem lies, or -1 when it concerns the file as a whole. */
    private final long offset;

    public CaptureFormatException(String message) {
        this(message, -1);
    }

    public CaptureFormatException(String message, long offset) {
        super(message, null, false, false);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
