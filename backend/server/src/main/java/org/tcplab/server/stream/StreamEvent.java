package org.tcplab.server.stream;

/**
 * One event as viewers receive it: serialised once per lab, not once per viewer.
 *
 * @param createdNanos System.nanoTime() when the lab logged it (for latency measurements)
 */
public record StreamEvent(long id, String json, long createdNanos) {}
