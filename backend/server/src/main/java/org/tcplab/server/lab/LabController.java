package org.tcplab.server.lab;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.system.TcpLabProperties;
import org.tcplab.server.web.PublicUrl;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Labs over REST (lab-api.md). Reads need only the lab id; changes need the lab's bearer token.
 * Lab work runs off the event loop: it takes the lab's lock and may run the simulation.
 */
@RestController
@RequestMapping("/api/labs")
@Tag(name = "labs", description = "Create labs, open connections, send data, inject segments, drive the clock")
class LabController {

    private static final String AUTH = HttpHeaders.AUTHORIZATION;
    private final LabService labs;
    private final TcpLabProperties props;
    private final Validator validator;
    private final SecureRandom random = new SecureRandom();
    private final PublicUrl publicUrl;

    LabController(LabService labs, TcpLabProperties props, Validator validator, PublicUrl publicUrl) {
        this.labs = labs;
        this.props = props;
        this.validator = validator;
        this.publicUrl = publicUrl;
    }

    static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * Finds the lab (a map lookup and a token check), then runs {@code work} on the lab's own
     * executor: no thread waits while the lab is busy, and a lab that stays busy answers 503.
     */
    static <T> Mono<T> onLab(Supplier<Lab> find, Function<Lab, T> work) {
        return Mono.fromSupplier(find).flatMap(lab -> lab.async(() -> work.apply(lab)));
    }

    @PostMapping
    @Operation(
            summary = "Create a lab",
            description = "Returns the lab id (the viewer link) and its token (needed for every change). "
                    + "mode tap answers 503 unless tcplab.tap.enabled=true.")
    Mono<ResponseEntity<Map<String, Object>>> create(
            @Valid @RequestBody(required = false) LabSpec body, ServerHttpRequest request) {
        LabSpec spec = body != null ? body : LabSpec.defaults();
        ClockMode clock = spec.clockMode();
        double timeScale = spec.timeScaleOrDefault();
        long seed = spec.seedOrRandom(random);
        LabSettings settings = spec.settings(seed);
        String client = LabHttp.clientAddress(request);
        return blocking(() -> {
            Lab lab = labs.create(settings, clock, timeScale, client);
            if (Boolean.TRUE.equals(spec.paused())) {
                lab.setClock(null, null, true);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", lab.id());
            out.put("token", lab.token());
            out.put("mode", lab.mode());
            out.put("clock", clock.id());
            out.put("timeScale", timeScale);
            out.put("seed", seed);
            out.put("viewerUrl", publicUrl.viewer(request, lab.id()));
            out.put(
                    "eventsUrl",
                    LabHttp.location(request, "/api/labs/" + lab.id() + "/events/stream")
                            .toString());
            out.put("limits", LabMapping.limits(props));
            return LabHttp.created(request, lab).body(out);
        });
    }

    @GetMapping("/{lab}")
    @Operation(
            summary = "Snapshot of a lab",
            description = "Hosts and listeners, connections with each side's TCB, faults, clock, limits.")
    Mono<Map<String, Object>> get(@PathVariable("lab") String id) {
        return onLab(() -> labs.get(id), lab -> lab.read(v -> LabMapping.snapshot(lab, v, props)));
    }

    @DeleteMapping("/{lab}")
    @Operation(summary = "Delete a lab", description = "Its viewers are closed.")
    Mono<ResponseEntity<Void>> delete(
            @PathVariable("lab") String id, @RequestHeader(value = AUTH, required = false) String auth) {
        return blocking(() -> {
            labs.delete(labs.authorized(id, auth));
            return ResponseEntity.noContent().build();
        });
    }

    @PatchMapping("/{lab}/clock")
    @Operation(
            summary = "Change the clock of a live lab (extension)",
            description = "clock instant|realtime|step, timeScale for realtime, paused to stop and resume time.")
    Mono<Map<String, Object>> clock(
            @PathVariable("lab") String id,
            @RequestHeader(value = AUTH, required = false) String auth,
            @RequestBody LabRequests.Clock body) {
        LabSpec.clockOnly(body.clock(), body.timeScale(), body.paused()).validated(validator);
        return onLab(() -> labs.authorized(id, auth), lab -> {
            lab.setClock(body.clock() == null ? null : ClockMode.parse(body.clock()), body.timeScale(), body.paused());
            return lab.read(v -> {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("clock", v.clock().id());
                out.put("timeScale", v.timeScale());
                out.put("paused", v.paused());
                out.put("time", LabMapping.ms(v.driver().nowUs()));
                return out;
            });
        });
    }

    @PatchMapping("/{lab}/link")
    @Operation(
            summary = "Change the simulated link of a live lab (extension)",
            description = "latencyMs, jitterMs, bandwidthKbps, mtu; fields left out keep their value. "
                    + "Applies to segments sent from now on; segments already on the wire keep their timing.")
    Mono<Map<String, Object>> link(
            @PathVariable("lab") String id,
            @RequestHeader(value = AUTH, required = false) String auth,
            @Valid @RequestBody LabSpec.Link body) {
        return onLab(() -> labs.authorized(id, auth), lab -> {
            lab.change(d -> {
                d.setLink(LabMapping.linkConfig(body, d.link()));
                return null;
            });
            return lab.read(v -> LabMapping.linkView(v.driver().link()));
        });
    }

    @PostMapping("/{lab}/listen")
    @Operation(summary = "Passive OPEN on a host's port")
    Mono<ResponseEntity<Map<String, Object>>> listen(
            @PathVariable("lab") String id,
            @RequestHeader(value = AUTH, required = false) String auth,
            @Valid @RequestBody LabRequests.Listen body,
            ServerHttpRequest request) {
        HostName host = HostName.parse(body.host());
        return onLab(() -> labs.authorized(id, auth), lab -> {
            lab.change(d -> {
                d.listen(host, body.port());
                return null;
            });
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", host.id() + ":" + body.port());
            out.put("host", host.id());
            out.put("port", body.port());
            return ResponseEntity.created(LabHttp.location(request, "/api/labs/" + id))
                    .body(out);
        });
    }

    @PostMapping("/{lab}/connections")
    @Operation(
            summary = "Active OPEN",
            description =
                    "Sends a SYN from `from` (default client). The other host listens only if asked "
                            + "(POST listen) or with autoListen. isn/peerIsn fix the ISNs; simultaneous opens both ends actively.")
    Mono<ResponseEntity<Map<String, Object>>> connect(
            @PathVariable("lab") String id,
            @RequestHeader(value = AUTH, required = false) String auth,
            @Valid @RequestBody LabRequests.Connect body,
            ServerHttpRequest request) {
        HostName from = LabMapping.host(body.from(), HostName.CLIENT);
        return onLab(() -> labs.authorized(id, auth), lab -> {
            String c = lab.change(d -> {
                if (d.capabilities().realTimeOnly()
                        && Boolean.TRUE.equals(body.autoListen())
                        && !d.listeners(from.other()).contains(body.remotePort())) {
                    // Real time does not stand still after the SYN leaves: listen first, or it meets a RST.
                    d.listen(from.other(), body.remotePort());
                }
                int localPort = body.localPort() != null ? body.localPort() : ephemeralPort(d, from);
                String conn = d.connect(
                        from,
                        localPort,
                        body.remotePort(),
                        body.isn() == null ? null : SeqNum.of(body.isn()),
                        body.peerIsn() == null ? null : SeqNum.of(body.peerIsn()),
                        Boolean.TRUE.equals(body.simultaneous()));
                // After the SYN is queued and before time moves: the same instant as listening first.
                if (Boolean.TRUE.equals(body.autoListen())
                        && !d.listeners(from.other()).contains(body.remotePort())) {
                    d.listen(from.other(), body.remotePort());
                }
                return conn;
            });
            Map<String, Object> out = lab.read(v -> connectionView(v.driver(), c));
            return ResponseEntity.created(LabHttp.location(request, "/api/labs/" + id + "/connections/" + c))
                    .body(out);
        });
    }

    /** The first port from 49152 (RFC 6335 dynamic range) the host does not use yet. */
    static int ephemeralPort(LabWorld d, HostName host) {
        java.util.Set<Integer> used = new java.util.HashSet<>(d.listeners(host));
        for (ConnectionSnapshot c : d.connections(host)) used.add(c.key().localPort());
        for (int p = 49152; p <= 65535; p++) {
            if (!used.contains(p)) return p;
        }
        throw LabProblem.conflict("no free local port on " + host.id());
    }

    static Map<String, Object> connectionView(LabWorld d, String c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c);
        out.put("client", null);
        out.put("server", null);
        for (Map<String, Object> m : LabMapping.connections(d)) {
            if (c.equals(m.get("id"))) {
                out.putAll(m);
            }
        }
        return out;
    }

    @GetMapping("/{lab}/connections/{c}")
    @Operation(summary = "One connection's two sides (extension)")
    Mono<Map<String, Object>> connection(@PathVariable("lab") String id, @PathVariable("c") String c) {
        return onLab(
                () -> labs.get(id),
                lab -> lab.read(v -> {
                    Map<String, Object> view = connectionView(v.driver(), c);
                    if (view.get("client") == null && view.get("server") == null) {
                        throw LabProblem.of(
                                ProblemType.CONNECTION_NOT_FOUND,
                                "lab " + id + " has no connection " + c
                                        + " (closed connections leave only their events)");
                    }
                    return view;
                }));
    }

    @PostMapping("/{lab}/connections/{c}/send")
    @Operation(
            summary = "SEND on one side",
            description = "Exactly one of text (UTF-8), base64, or bytes (a count of generated bytes).")
    Mono<ResponseEntity<Map<String, Object>>> send(
            @PathVariable("lab") String id,
            @PathVariable("c") String c,
            @RequestHeader(value = AUTH, required = false) String auth,
            @Valid @RequestBody LabRequests.Send body) {
        HostName side = LabMapping.host(body.side(), HostName.CLIENT);
        byte[] data = payload(body, props.getMaxSendBytes());
        return onLab(() -> labs.authorized(id, auth), lab -> {
            lab.change(d -> {
                requireConnection(d, id, c);
                d.send(c, side, data);
                return null;
            });
            return accepted(lab, Map.of("connection", c, "side", side.id(), "bytes", data.length));
        });
    }

    /** An id this lab never gave out is a missing resource (404), not a state conflict. */
    static void requireConnection(LabWorld driver, String lab, String connection) {
        if (!driver.knowsConnection(connection)) {
            throw LabProblem.of(ProblemType.CONNECTION_NOT_FOUND, "lab " + lab + " has no connection " + connection);
        }
    }

    static byte[] payload(LabRequests.Send body, int max) {
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

    static ResponseEntity<Map<String, Object>> accepted(Lab lab, Map<String, Object> extra) {
        Map<String, Object> out = new LinkedHashMap<>(extra);
        lab.read(v -> {
            out.put("time", LabMapping.ms(v.driver().nowUs()));
            out.put("lastEventId", v.lastEventId());
            return null;
        });
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(out);
    }

    @PostMapping("/{lab}/connections/{c}/close")
    @Operation(summary = "CLOSE on one side (sends FIN)")
    Mono<ResponseEntity<Map<String, Object>>> close(
            @PathVariable("lab") String id,
            @PathVariable("c") String c,
            @RequestHeader(value = AUTH, required = false) String auth,
            @Valid @RequestBody(required = false) LabRequests.Side body) {
        return onOneSide(id, c, auth, body, (d, side) -> d.close(c, side));
    }

    @PostMapping("/{lab}/connections/{c}/abort")
    @Operation(summary = "ABORT on one side (sends RST)")
    Mono<ResponseEntity<Map<String, Object>>> abort(
            @PathVariable("lab") String id,
            @PathVariable("c") String c,
            @RequestHeader(value = AUTH, required = false) String auth,
            @Valid @RequestBody(required = false) LabRequests.Side body) {
        return onOneSide(id, c, auth, body, (d, side) -> d.abort(c, side));
    }

    /** A user call on one side of connection {@code c} (client unless the body names a side): 202. */
    private Mono<ResponseEntity<Map<String, Object>>> onOneSide(
            String id,
            String c,
            String auth,
            LabRequests.Side body,
            java.util.function.BiConsumer<LabWorld, HostName> call) {
        HostName side = LabMapping.host(body == null ? null : body.side(), HostName.CLIENT);
        return onLab(() -> labs.authorized(id, auth), lab -> {
            lab.change(d -> {
                requireConnection(d, id, c);
                call.accept(d, side);
                return null;
            });
            return accepted(lab, Map.of("connection", c, "side", side.id()));
        });
    }

    @PostMapping("/{lab}/hosts/{host}/crash")
    @Operation(summary = "Crash a host", description = "It loses every TCB and listener silently and sends nothing.")
    Mono<ResponseEntity<Map<String, Object>>> crash(
            @PathVariable("lab") String id,
            @PathVariable("host") String hostName,
            @RequestHeader(value = AUTH, required = false) String auth) {
        if (!"client".equals(hostName) && !"server".equals(hostName)) {
            throw LabProblem.badInput("host", "must be client or server");
        }
        HostName host = HostName.parse(hostName);
        return onLab(() -> labs.authorized(id, auth), lab -> {
            lab.change(d -> {
                d.crash(host);
                return null;
            });
            return accepted(lab, Map.of("host", host.id()));
        });
    }

    @PostMapping("/{lab}/inject")
    @Operation(
            summary = "Inject a crafted segment",
            description = "It enters the link after delayMs as if `from` had sent it.")
    Mono<ResponseEntity<Map<String, Object>>> inject(
            @PathVariable("lab") String id,
            @RequestHeader(value = AUTH, required = false) String auth,
            @Valid @RequestBody LabRequests.Inject body) {
        HostName from = LabMapping.host(body.from(), HostName.CLIENT);
        String text = body.segment().text();
        if (text != null && text.getBytes(StandardCharsets.UTF_8).length > props.getMaxSendBytes()) {
            throw LabProblem.badInput(
                    "segment.text",
                    "at most " + props.getMaxSendBytes() + " bytes per segment (tcplab.max-send-bytes)");
        }
        TcpSegment segment;
        try {
            segment = LabMapping.segment(body.segment());
        } catch (IllegalArgumentException e) {
            throw LabProblem.badInput("segment", e.getMessage());
        }
        long delayUs = body.delayMs() == null ? 0 : LabMapping.us(body.delayMs());
        return onLab(() -> labs.authorized(id, auth), lab -> {
            long segmentId = lab.change(d -> d.inject(from, segment, delayUs));
            return accepted(lab, Map.of("segmentId", segmentId, "from", from.id()));
        });
    }

    @PostMapping("/{lab}/advance")
    @Operation(
            summary = "Move a step-clock lab's time",
            description = "Either ms (virtual milliseconds) or steps (occurrences).")
    Mono<Lab.AdvanceResult> advance(
            @PathVariable("lab") String id,
            @RequestHeader(value = AUTH, required = false) String auth,
            @Valid @RequestBody LabRequests.Advance body) {
        if ((body.ms() == null) == (body.steps() == null)) {
            throw LabProblem.badInput(body.ms() == null ? "ms" : "steps", "give exactly one of ms, steps");
        }
        return onLab(
                () -> labs.authorized(id, auth),
                lab -> lab.advance(body.ms() == null ? null : LabMapping.us(body.ms()), body.steps()));
    }
}
