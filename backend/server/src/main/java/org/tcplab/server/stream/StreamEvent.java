package org.tcplab.server.stream;

import java.nio.charset.StandardCharsets;

/**
 * One event as viewers receive it: serialised (UTF-8 JSON) once per lab, not once per viewer; or,
 * for a viewer that asked for batches, several events as one JSON array.
 *
 * @param id the event's id (for a batch, the last one's)
 * @param utf8 the frame's text, shared read-only by every viewer that sends it
 * @param createdNanos the wall clock (nanoTime) when the lab logged it, for latency figures
 * @param cumulativeBytes the stream's bytes up to and including this event (the window's byte bound)
 */
public record StreamEvent(long id, byte[] utf8, long createdNanos, long cumulativeBytes) {

    /** Not an event: the viewer's turn to be pinged, sent in order with its frames. */
    static final StreamEvent PING = new StreamEvent(-1, new byte[0], 0, 0);

    public String json() {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
