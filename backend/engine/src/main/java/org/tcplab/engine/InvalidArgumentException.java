package org.tcplab.engine;

/**
 * Input the engine refuses, naming the field it came in: the server answers 400 with that field
 * (RFC 9457 problem details), whatever the message says. A refusal by the TCP state machine is a
 * {@code TcpUserException} instead (the call is well formed, the state forbids it); any other
 * exception out of the engine is a bug.
 *
 * <p>Field names are those of the lab's commands ({@code org.tcplab.engine.lab.LabCommand}), which
 * are the lab API's JSON names: {@code localPort}, {@code delayMs}, {@code match.probability}, ...
 */
public class InvalidArgumentException extends IllegalArgumentException {

    private final String field;

    public InvalidArgumentException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The offending field, as the lab API names it. */
    public String field() {
        return field;
    }

    /** {@code value} unless it is null, which is refused as "{@code field} is required". */
    public static <T> T required(String field, T value) {
        if (value == null) throw new InvalidArgumentException(field, field + " is required");
        return value;
    }

    /** A port of 1..65535 (RFC 9293 §3.1: 16 bits; port 0 is reserved). */
    public static int checkPort(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidArgumentException(field, field + " must be 1..65535: " + port);
        }
        return port;
    }
}
