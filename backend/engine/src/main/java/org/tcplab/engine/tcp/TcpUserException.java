package org.tcplab.engine.tcp;

/**
 * A user call the connection's state forbids, with the RFC 9293 §3.10 wording as the message
 * (e.g. "connection does not exist", "connection closing", "connection already exists").
 * The server answers these with 409.
 */
public class TcpUserException extends RuntimeException {
    public TcpUserException(String message) {
        super(message);
    }
}
