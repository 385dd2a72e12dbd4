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
import java.util.List;
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
}
