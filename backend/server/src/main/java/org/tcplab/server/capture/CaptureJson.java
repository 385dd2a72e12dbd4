package org.tcplab.server.capture;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The captures endpoints' answers as typed records (lab-api.md "Captures: bring your own"), so the
 * OpenAPI document and the generated frontend types say what they hold; field order is the wire's.
 */
public final class CaptureJson {

    private CaptureJson() {}

    /**
     * {@code POST /api/captures} and {@code POST /api/captures/samples/{name}}: the upload's token
     * (it deletes the labs) and one lab per TCP conversation.
     *
     * @param note present only when conversations were left out (tcplab.max-capture-conversations)
     */
    public record Upload(
            String token,
            String format,
            long packets,
            long tcpSegments,
            List<Skipped> skipped,
            List<ConversationLab> conversations,
            long conversationsLeftOut,
            @JsonInclude(JsonInclude.Include.NON_NULL) String note) {}

    /** Packets the import did not use, by reason. */
    public record Skipped(String reason, String detail, long count) {}

    /** One conversation and the lab that shows it. */
    public record ConversationLab(
            int index,
            String labId,
            String client,
            String server,
            long segments,
            boolean complete,
            int segmentsShown,
            double durationMs,
            int ipVersion,
            String clientState,
            String serverState,
            String viewerUrl) {}

    /** {@code GET /api/captures/samples}: a capture recorded against Linux, shipped in the jar. */
    public record Sample(String name, String title, String description, String file) {}
}
