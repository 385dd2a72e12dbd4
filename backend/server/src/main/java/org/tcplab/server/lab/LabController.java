package org.tcplab.server.lab;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.system.PublicUrl;
import org.tcplab.server.system.RequestLog;
import org.tcplab.server.system.TcpLabProperties;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Labs over REST (lab-api.md). Reads need only the lab id; changes need the lab's bearer token
 * ({@link Authorized}). Lab work runs on the lab's own executor, never on the event loop; the
 * rules live in {@link LabService} and the lab, the answers are {@link LabJson} records.
 */
@RestController
@RequestMapping("/api/labs")
@Tag(name = "labs", description = "Create labs, open connections, send data, inject segments, drive the clock")
class LabController {

    private final LabService labs;
    private final TcpLabProperties props;
    private final Validator validator;
    private final PublicUrl publicUrl;

    LabController(LabService labs, TcpLabProperties props, Validator validator, PublicUrl publicUrl) {
        this.labs = labs;
        this.props = props;
        this.validator = validator;
        this.publicUrl = publicUrl;
    }

    static <T> Mono<T> blocking(Callable<T> work) {
        // The log lines the work writes carry this request's id (from the Reactor context).
        return Mono.deferContextual(ctx -> Mono.fromCallable(() -> RequestLog.withMdc(ctx, work)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Create a lab",
            description = "Returns the lab id (the viewer link) and its token (needed for every change). "
                    + "mode tap answers 503 unless tcplab.tap.enabled=true.")
    Mono<ResponseEntity<LabJson.LabCreated>> create(
            @Valid @RequestBody(required = false) LabSpec body, ServerHttpRequest request) {
        String client = LabHttp.clientAddress(request);
        return blocking(() -> {
            Lab lab = labs.create(body, client);
            return LabHttp.created(request, lab)
                    .body(lab.read(v -> new LabJson.LabCreated(
                            lab.id(),
                            lab.token(),
                            lab.mode(),
                            v.clock().id(),
                            v.timeScale(),
                            lab.settings().sim().seed(),
                            publicUrl.viewer(request, lab.id()),
                            LabHttp.location(request, "/api/labs/" + lab.id() + "/events/stream")
                                    .toString(),
                            labs.limits())));
        });
    }

    @GetMapping("/{lab}")
    @Operation(
            summary = "Snapshot of a lab",
            description = "Hosts and listeners, connections with each side's TCB, faults, clock, limits.")
    Mono<LabJson.LabSnapshot> get(Lab lab) {
        return lab.async(() -> labs.snapshot(lab));
    }

    @DeleteMapping("/{lab}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a lab", description = "Its viewers are closed.")
    Mono<Void> delete(@Authorized Lab lab) {
        return blocking(() -> {
            labs.delete(lab);
            return null;
        });
    }

    @PatchMapping("/{lab}/clock")
    @Operation(
            summary = "Change the clock of a live lab (extension)",
            description = "clock instant|realtime|step, timeScale for realtime, paused to stop and resume time.")
    Mono<LabJson.ClockView> clock(@Authorized Lab lab, @RequestBody LabRequests.Clock body) {
        LabSpec.clockOnly(body.clock(), body.timeScale(), body.paused()).validated(validator);
        return lab.async(() -> {
            lab.setClock(body.clock() == null ? null : ClockMode.parse(body.clock()), body.timeScale(), body.paused());
            return lab.read(v -> new LabJson.ClockView(
                    v.clock().id(),
                    v.timeScale(),
                    v.paused(),
                    LabMapping.ms(v.driver().nowUs())));
        });
    }

    @PatchMapping("/{lab}/link")
    @Operation(
            summary = "Change the simulated link of a live lab (extension)",
            description = "latencyMs, jitterMs, bandwidthKbps, mtu; fields left out keep their value. "
                    + "Applies to segments sent from now on; segments already on the wire keep their timing.")
    Mono<LabJson.LinkView> link(@Authorized Lab lab, @Valid @RequestBody LabSpec.Link body) {
        return lab.async(() -> {
            lab.change(d -> {
                d.setLink(LabMapping.linkConfig(body, d.link()));
                return null;
            });
            return lab.read(v -> LabJson.LinkView.of(v.driver().link()));
        });
    }

    @PostMapping("/{lab}/listen")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Passive OPEN on a host's port")
    Mono<ResponseEntity<LabJson.ListenerCreated>> listen(
            @Authorized Lab lab, @Valid @RequestBody LabRequests.Listen body, ServerHttpRequest request) {
        HostName host = HostName.parse(body.host());
        return lab.async(() -> {
            lab.change(d -> {
                d.listen(host, body.port());
                return null;
            });
            return ResponseEntity.created(LabHttp.location(request, "/api/labs/" + lab.id()))
                    .body(new LabJson.ListenerCreated(host.id() + ":" + body.port(), host.id(), body.port()));
        });
    }

    @PostMapping("/{lab}/connections")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Active OPEN",
            description =
                    "Sends a SYN from `from` (default client). The other host listens only if asked "
                            + "(POST listen) or with autoListen. isn/peerIsn fix the ISNs; simultaneous opens both ends actively.")
    Mono<ResponseEntity<LabJson.ConnectionView>> connect(
            @Authorized Lab lab, @Valid @RequestBody LabRequests.Connect body, ServerHttpRequest request) {
        HostName from = LabMapping.host(body.from(), HostName.CLIENT);
        return lab.async(() -> {
            String c = lab.change(d -> LabService.connect(d, from, body));
            LabJson.ConnectionView out = lab.read(v -> LabJson.connection(v.driver(), c));
            return ResponseEntity.created(LabHttp.location(request, "/api/labs/" + lab.id() + "/connections/" + c))
                    .body(out);
        });
    }

    @GetMapping("/{lab}/connections/{c}")
    @Operation(summary = "One connection's two sides (extension)")
    Mono<LabJson.ConnectionView> connection(Lab lab, @PathVariable("c") String c) {
        return lab.async(() -> lab.read(v -> {
            LabJson.ConnectionView view = LabJson.connection(v.driver(), c);
            if (view.client() == null && view.server() == null) {
                throw LabProblem.of(
                        ProblemType.CONNECTION_NOT_FOUND,
                        "lab " + lab.id() + " has no connection " + c
                                + " (closed connections leave only their events)");
            }
            return view;
        }));
    }

    @PostMapping("/{lab}/connections/{c}/send")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(
            summary = "SEND on one side",
            description = "Exactly one of text (UTF-8), base64, or bytes (a count of generated bytes).")
    Mono<ResponseEntity<LabJson.SendAccepted>> send(
            @Authorized Lab lab, @PathVariable("c") String c, @Valid @RequestBody LabRequests.Send body) {
        HostName side = LabMapping.host(body.side(), HostName.CLIENT);
        byte[] data = LabRequests.payload(body, props.getMaxSendBytes());
        return lab.async(() -> {
            lab.change(d -> {
                requireConnection(d, lab.id(), c);
                d.send(c, side, data);
                return null;
            });
            return accepted(lab, (time, last) -> new LabJson.SendAccepted(c, side.id(), data.length, time, last));
        });
    }

    /** An id this lab never gave out is a missing resource (404), not a state conflict. */
    static void requireConnection(LabWorld driver, String lab, String connection) {
        if (!driver.knowsConnection(connection)) {
            throw LabProblem.of(ProblemType.CONNECTION_NOT_FOUND, "lab " + lab + " has no connection " + connection);
        }
    }

    /** A 202 answer: what was accepted, with the lab's time and last event id as it answers. */
    interface Answer<T> {
        T at(double timeMs, long lastEventId);
    }

    static <T> ResponseEntity<T> accepted(Lab lab, Answer<T> answer) {
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(lab.read(v -> answer.at(LabMapping.ms(v.driver().nowUs()), v.lastEventId())));
    }

    @PostMapping("/{lab}/connections/{c}/close")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "CLOSE on one side (sends FIN)")
    Mono<ResponseEntity<LabJson.SideAccepted>> close(
            @Authorized Lab lab,
            @PathVariable("c") String c,
            @Valid @RequestBody(required = false) LabRequests.Side body) {
        return onOneSide(lab, c, body, (d, side) -> d.close(c, side));
    }

    @PostMapping("/{lab}/connections/{c}/abort")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "ABORT on one side (sends RST)")
    Mono<ResponseEntity<LabJson.SideAccepted>> abort(
            @Authorized Lab lab,
            @PathVariable("c") String c,
            @Valid @RequestBody(required = false) LabRequests.Side body) {
        return onOneSide(lab, c, body, (d, side) -> d.abort(c, side));
    }

    /** A user call on one side of connection {@code c} (client unless the body names a side): 202. */
    private Mono<ResponseEntity<LabJson.SideAccepted>> onOneSide(
            Lab lab, String c, LabRequests.Side body, BiConsumer<LabWorld, HostName> call) {
        HostName side = LabMapping.host(body == null ? null : body.side(), HostName.CLIENT);
        return lab.async(() -> {
            lab.change(d -> {
                requireConnection(d, lab.id(), c);
                call.accept(d, side);
                return null;
            });
            return accepted(lab, (time, last) -> new LabJson.SideAccepted(c, side.id(), time, last));
        });
    }

    @PostMapping("/{lab}/hosts/{host}/crash")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Crash a host", description = "It loses every TCB and listener silently and sends nothing.")
    Mono<ResponseEntity<LabJson.CrashAccepted>> crash(
            @Authorized Lab lab,
            @PathVariable("host") @Schema(allowableValues = {"client", "server"}) String hostName) {
        if (!"client".equals(hostName) && !"server".equals(hostName)) {
            throw LabProblem.badInput("host", "must be client or server");
        }
        HostName host = HostName.parse(hostName);
        return lab.async(() -> {
            lab.change(d -> {
                d.crash(host);
                return null;
            });
            return accepted(lab, (time, last) -> new LabJson.CrashAccepted(host.id(), time, last));
        });
    }

    @PostMapping("/{lab}/inject")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(
            summary = "Inject a crafted segment",
            description = "It enters the link after delayMs as if `from` had sent it.")
    Mono<ResponseEntity<LabJson.InjectAccepted>> inject(
            @Authorized Lab lab, @Valid @RequestBody LabRequests.Inject body) {
        HostName from = LabMapping.host(body.from(), HostName.CLIENT);
        TcpSegment segment = LabRequests.segment(body.segment(), props.getMaxSendBytes());
        long delayUs = body.delayMs() == null ? 0 : LabMapping.us(body.delayMs());
        return lab.async(() -> {
            long segmentId = lab.change(d -> d.inject(from, segment, delayUs));
            return accepted(lab, (time, last) -> new LabJson.InjectAccepted(segmentId, from.id(), time, last));
        });
    }

    @PostMapping("/{lab}/advance")
    @Operation(
            summary = "Move a step-clock lab's time",
            description = "Either ms (virtual milliseconds) or steps (occurrences).")
    Mono<Lab.AdvanceResult> advance(@Authorized Lab lab, @Valid @RequestBody LabRequests.Advance body) {
        if ((body.ms() == null) == (body.steps() == null)) {
            throw LabProblem.badInput(body.ms() == null ? "ms" : "steps", "give exactly one of ms, steps");
        }
        return lab.async(() -> lab.advance(body.ms() == null ? null : LabMapping.us(body.ms()), body.steps()));
    }
}
