package org.tcplab.server.lab;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.PayloadText;

/**
 * Request bodies of the lab API (lab-api.md) other than a lab's settings ({@link LabSpec}); every
 * field optional unless annotated otherwise. Strings are held to {@code tcplab.max-string-length}
 * by the JSON reader, {@link PayloadText} ones to {@code tcplab.max-send-bytes} where they are sent.
 */
public final class LabRequests {

    private LabRequests() {}

    static final String HOST = "client|server";
    static final String FLAG = "CWR|ECE|URG|ACK|PSH|RST|SYN|FIN";

    @Schema(example = "{\"host\":\"server\",\"port\":80}")
    public record Listen(
            @NotNull @Pattern(regexp = HOST, message = "must be client or server") String host,
            @NotNull @Min(1) @Max(65535) Integer port) {}

    @Schema(example = "{\"from\":\"client\",\"localPort\":40000,\"remotePort\":80,\"isn\":1000,\"peerIsn\":5000}")
    public record Connect(
            @Pattern(regexp = HOST, message = "must be client or server") String from,
            @Min(1) @Max(65535) Integer localPort,
            @NotNull @Min(1) @Max(65535) Integer remotePort,
            @Min(0) @Max(4294967295L) Long isn,
            @Min(0) @Max(4294967295L) Long peerIsn,
            Boolean simultaneous,
            Boolean autoListen) {}

    @Schema(example = "{\"side\":\"client\",\"text\":\"hello\"}")
    public record Send(
            @Pattern(regexp = HOST, message = "must be client or server") String side,
            @PayloadText String text,
            @PayloadText String base64,
            @Min(0) Integer bytes) {}

    @Schema(example = "{\"side\":\"client\"}")
    public record Side(@Pattern(regexp = HOST, message = "must be client or server") String side) {}

    @Schema(
            example =
                    "{\"from\":\"client\",\"segment\":{\"srcPort\":40000,\"dstPort\":80,\"seq\":90000,\"flags\":[\"SYN\"],\"window\":65535,\"options\":[{\"kind\":\"MSS\",\"value\":1460}]},\"delayMs\":0}")
    public record Inject(
            @Pattern(regexp = HOST, message = "must be client or server") String from,
            @NotNull @Valid Segment segment,
            @PositiveOrZero @DecimalMax("3600000") Double delayMs) {}

    public record Segment(
            @NotNull @Min(0) @Max(65535) Integer srcPort,
            @NotNull @Min(0) @Max(65535) Integer dstPort,
            @Min(0) @Max(4294967295L) Long seq,
            @Min(0) @Max(4294967295L) Long ack,
            List<@Pattern(regexp = FLAG, message = "must be one of CWR ECE URG ACK PSH RST SYN FIN") String> flags,
            @Min(0) @Max(65535) Integer window,
            @Min(0) @Max(65535) Integer urgentPointer,
            @Valid @Size(max = 40) List<Option> options,
            @PayloadText @Size(max = 65000) String text) {}

    /** {@code kind}: MSS, WS, SACK_PERMITTED, SACK, TS, NOP, EOL, or a number with {@code data} hex. */
    public record Option(
            @NotNull String kind,
            @Min(0) @Max(4294967295L) Long value,
            @Min(0) @Max(4294967295L) Long echo,
            @Valid @Size(max = 4) List<SackBlock> blocks,
            @Pattern(regexp = "([0-9a-fA-F]{2})*", message = "must be hex bytes") String data) {}

    public record SackBlock(
            @NotNull @Min(0) @Max(4294967295L) Long left, @NotNull @Min(0) @Max(4294967295L) Long right) {}

    @Schema(example = "{\"ms\":100}")
    public record Advance(@PositiveOrZero @DecimalMax("86400000") Double ms, @Min(1) @Max(1000000) Integer steps) {}

    /** {@code PATCH /clock}; its bounds are {@link LabSpec}'s, checked through {@link LabSpec#clockOnly}. */
    @Schema(example = "{\"clock\":\"realtime\",\"timeScale\":0.1,\"paused\":false}")
    public record Clock(String clock, Double timeScale, Boolean paused) {}

    /** The bytes a send carries: exactly one of text, base64, bytes; at most {@code max}. */
    static byte[] payload(Send body, int max) {
        int given = (body.text() != null ? 1 : 0) + (body.base64() != null ? 1 : 0) + (body.bytes() != null ? 1 : 0);
        if (given != 1) {
            throw LabProblem.badInput(
                    body.text() != null ? "base64" : "text", "give exactly one of text, base64, bytes");
        }
        byte[] data;
        String field;
        if (body.text() != null) {
            field = "text";
            data = body.text().getBytes(StandardCharsets.UTF_8);
        } else if (body.base64() != null) {
            field = "base64";
            try {
                data = Base64.getDecoder().decode(body.base64());
            } catch (IllegalArgumentException e) {
                throw LabProblem.badInput("base64", "not valid base64: " + e.getMessage());
            }
        } else {
            field = "bytes";
            if (body.bytes() > max) {
                throw LabProblem.badInput("bytes", "at most " + max + " bytes per send (tcplab.max-send-bytes)");
            }
            data = new byte[body.bytes()];
            // Printable and position-revealing, so a student can see which bytes arrived.
            for (int i = 0; i < data.length; i++) data[i] = (byte) ('a' + i % 26);
        }
        if (data.length > max) {
            throw LabProblem.badInput(field, "at most " + max + " bytes per send (tcplab.max-send-bytes)");
        }
        return data;
    }

    /** The crafted segment of an inject request; its text at most {@code maxText} bytes. */
    static TcpSegment segment(Segment s, int maxText) {
        String text = s.text();
        if (text != null && text.getBytes(StandardCharsets.UTF_8).length > maxText) {
            throw LabProblem.badInput(
                    "segment.text", "at most " + maxText + " bytes per segment (tcplab.max-send-bytes)");
        }
        try {
            return LabMapping.segment(s);
        } catch (IllegalArgumentException e) {
            throw LabProblem.badInput("segment", e.getMessage());
        }
    }
}
