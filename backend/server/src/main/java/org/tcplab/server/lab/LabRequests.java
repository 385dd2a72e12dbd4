package org.tcplab.server.lab;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request bodies of the lab API (lab-api.md); every field optional unless annotated otherwise. */
public final class LabRequests {

    private LabRequests() {}

    static final String HOST = "client|server";
    static final String FLAG = "CWR|ECE|URG|ACK|PSH|RST|SYN|FIN";

    @Schema(
            example =
                    "{\"mode\":\"sim\",\"seed\":42,\"clock\":\"instant\",\"link\":{\"latencyMs\":10},\"tcp\":{\"mss\":1460,\"sack\":true}}")
    public record CreateLab(
            @Pattern(regexp = "sim|tap", message = "must be sim or tap") String mode,
            Long seed,
            @Pattern(regexp = "instant|realtime|step", message = "must be instant, realtime or step") String clock,
            @DecimalMin(value = "0.001", message = "must be at least 0.001")
                    @DecimalMax(value = "1000", message = "must be at most 1000")
                    Double timeScale,
            @Valid Link link,
            @Valid Tcp tcp,
            @Pattern(
                            regexp = "client|server|both",
                            message =
                                    "must be server (Linux listens, our stack is the client), client (Linux connects to our stack) or both (two Linux sockets)")
                    String linuxSide,
            @Schema(description = "extension: settings for the client only, over tcp") @Valid Tcp clientTcp,
            @Schema(description = "extension: settings for the server only, over tcp") @Valid Tcp serverTcp) {

        public CreateLab(String mode, Long seed, String clock, Double timeScale, Link link, Tcp tcp, String linuxSide) {
            this(mode, seed, clock, timeScale, link, tcp, linuxSide, null, null);
        }
    }

    public record Link(
            @PositiveOrZero @DecimalMax("600000") Double latencyMs,
            @PositiveOrZero @DecimalMax("600000") Double jitterMs,
            @PositiveOrZero Long bandwidthKbps,
            @Min(68) @Max(65535) Integer mtu) {}

    public record Tcp(
            @Min(88) @Max(65495) Integer mss,
            @Min(0) @Max(1073725440) Integer window,
            @Min(0) @Max(14) Integer windowScale,
            Boolean sack,
            Boolean timestamps,
            @DecimalMin("1") @DecimalMax("3600000") Double initialRtoMs,
            @DecimalMin("1") @DecimalMax("3600000") Double minRtoMs,
            @Min(0) @Max(30) Integer synRetries,
            @Min(0) @Max(30) Integer synAckRetries,
            @DecimalMin("0") @DecimalMax("3600000") Double mslMs,
            Boolean twoWayHandshake,
            Boolean delayedAck,
            Boolean nagle) {}

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
            String text,
            String base64,
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
            @Size(max = 65000) String text) {}

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

    @Schema(example = "{\"clock\":\"realtime\",\"timeScale\":0.1,\"paused\":false}")
    public record Clock(
            @Pattern(regexp = "instant|realtime|step", message = "must be instant, realtime or step") String clock,
            @DecimalMin(value = "0.001", message = "must be at least 0.001")
                    @DecimalMax(value = "1000", message = "must be at most 1000")
                    Double timeScale,
            Boolean paused) {}
}
