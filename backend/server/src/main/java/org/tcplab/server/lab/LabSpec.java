package org.tcplab.server.lab;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Set;
import org.tcplab.server.system.LabProblem;

/**
 * A lab's settings as requests give them, and the one place their bounds live. Every endpoint that
 * creates or changes a lab goes through this type: {@code POST /api/labs} (the whole body),
 * {@code POST /api/scenarios/{name}/labs} (clock, timeScale), {@code PATCH /clock} (clock,
 * timeScale, paused), {@code PATCH /link} ({@link Link}), so a bound added here holds everywhere.
 * Every number is bounded (a realtime {@code timeScale} of {@code Infinity}, {@code 0} or
 * {@code -5} once pinned a core); each refusal is a 400 naming the field.
 */
@Schema(
        example =
                "{\"mode\":\"sim\",\"seed\":42,\"clock\":\"instant\",\"link\":{\"latencyMs\":10},\"tcp\":{\"mss\":1460,\"sack\":true}}")
public record LabSpec(
        @Pattern(regexp = "sim|tap", message = "must be sim or tap") String mode,
        @Min(value = -MAX_SEED, message = "must be a whole number within ±2^53 (JavaScript's safe integers)")
                @Max(value = MAX_SEED, message = "must be a whole number within ±2^53 (JavaScript's safe integers)")
                Long seed,
        @Pattern(regexp = "instant|realtime|step", message = "must be instant, realtime or step") String clock,
        @DecimalMin(value = "0.001", message = "must be at least 0.001")
                @DecimalMax(value = "1000", message = "must be at most 1000")
                Double timeScale,
        @Schema(description = "extension: start (or keep) the clock paused") Boolean paused,
        @Valid Link link,
        @Valid Tcp tcp,
        @Pattern(
                        regexp = "client|server|both",
                        message =
                                "must be server (Linux listens, our stack is the client), client (Linux connects to our stack) or both (two Linux sockets)")
                String linuxSide,
        @Schema(description = "extension: settings for the client only, over tcp") @Valid Tcp clientTcp,
        @Schema(description = "extension: settings for the server only, over tcp") @Valid Tcp serverTcp) {

    /** 2^53 - 1: seeds survive a trip through a browser's numbers. */
    static final long MAX_SEED = 9_007_199_254_740_991L;

    /** The simulated link (ms in JSON); {@code PATCH /link} takes exactly this object. */
    public record Link(
            @DecimalMin("0") @DecimalMax("600000") Double latencyMs,
            @DecimalMin("0") @DecimalMax("600000") Double jitterMs,
            @Min(0) @Max(100_000_000) Long bandwidthKbps,
            @Min(68) @Max(65535) Integer mtu) {}

    /** One host's TCP settings (RFC 9293, RFC 7323, RFC 6298 bounds; the RTO never exceeds 60 s). */
    public record Tcp(
            @Min(88) @Max(65495) Integer mss,
            @Min(0) @Max(1073725440) Integer window,
            @Min(0) @Max(14) Integer windowScale,
            Boolean sack,
            Boolean timestamps,
            @DecimalMin("1") @DecimalMax("60000") Double initialRtoMs,
            @DecimalMin("1") @DecimalMax("60000") Double minRtoMs,
            @Min(0) @Max(30) Integer synRetries,
            @Min(0) @Max(30) Integer synAckRetries,
            @DecimalMin("0") @DecimalMax("3600000") Double mslMs,
            Boolean twoWayHandshake,
            Boolean delayedAck,
            Boolean nagle,
            // RFC 5961 §7 ACK throttling: 0 turns it off, to watch an ACK storm run (bounded by the lab's limits).
            @DecimalMin("0") @DecimalMax("60000") Double invalidAckIntervalMs,
            @Min(1) @Max(1000000) Integer challengeAckLimit,
            // The teaching variant "why not four": SYN; ACK; SYN; ACK.
            Boolean fourWayHandshake) {}

    /** An empty spec: every setting at its default. */
    public static LabSpec defaults() {
        return new LabSpec(null, null, null, null, null, null, null, null, null, null);
    }

    /** The clock part alone ({@code PATCH /clock}, and the scenario endpoint's clock and timeScale). */
    public static LabSpec clockOnly(String clock, Double timeScale, Boolean paused) {
        return new LabSpec(null, null, clock, timeScale, paused, null, null, null, null, null);
    }

    /**
     * Checks every bound, for specs built from part of a request (a {@code @Valid} body is checked by
     * Spring the same way): the first violation, by field name, is a 400 naming it.
     */
    public LabSpec validated(Validator validator) {
        Set<ConstraintViolation<LabSpec>> violations = validator.validate(this);
        violations.stream()
                .min(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .ifPresent(v -> {
                    throw LabProblem.badInput(v.getPropertyPath().toString(), v.getMessage());
                });
        return this;
    }

    public String modeOrDefault() {
        return mode == null ? "sim" : mode;
    }

    boolean tap() {
        return "tap".equals(modeOrDefault());
    }

    /**
     * The clock a new lab runs on. A tap lab's peer is the Linux kernel, which runs on the wall
     * clock: realtime is its only clock (its default), instant/step or another scale are refused
     * rather than faked.
     */
    public ClockMode clockMode() {
        ClockMode c = clock == null ? (tap() ? ClockMode.REALTIME : ClockMode.INSTANT) : ClockMode.parse(clock);
        if (tap() && c != ClockMode.REALTIME) {
            throw LabProblem.badInput(
                    "clock",
                    "a tap lab runs in real time (the Linux kernel does not wait): clock must be realtime, not "
                            + c.id());
        }
        return c;
    }

    public double timeScaleOrDefault() {
        if (tap() && timeScale != null && timeScale != 1.0) {
            throw LabProblem.badInput("timeScale", "a tap lab runs in real time: timeScale must be 1");
        }
        return timeScale == null ? 1.0 : timeScale;
    }

    /** The seed asked for, or a fresh random one (32 bits: short enough to read out in class). */
    public long seedOrRandom(SecureRandom random) {
        return seed == null ? random.nextLong() & 0xffffffffL : seed;
    }

    /** The validated settings a lab is created with (engine units). */
    public LabSettings settings(long seed) {
        if (linuxSide != null && !tap()) {
            throw LabProblem.badInput("linuxSide", "only tap labs have a Linux side");
        }
        if (tap() && Boolean.TRUE.equals(paused)) {
            throw LabProblem.badInput("paused", "a tap lab runs in real time and cannot be paused");
        }
        return new LabSettings(
                modeOrDefault(), LabMapping.simConfig(this, seed), linuxSide == null ? "server" : linuxSide);
    }
}
