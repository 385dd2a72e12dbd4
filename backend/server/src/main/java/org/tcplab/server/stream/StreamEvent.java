package org.tcplab.server.stream;

/**
 * One event as viewers receive it: serialised (and UTF-8 encoded) once per lab, not once per viewer.
 *
 * @param utf8 {@code json} encoded, shared read-only by every viewer's frame
 * @param createdNanos System.nanoTime() when the lab logged it (for latency measurements)
 */
public record StreamEvent(long id, String json, byte[] utf8, long createdNanos) {

    public StreamEvent(long id, String json, long createdNanos) {
        this(id, json, json.getBytes(java.nio.charset.StandardCharsets.UTF_8), createdNanos);
    }
}
