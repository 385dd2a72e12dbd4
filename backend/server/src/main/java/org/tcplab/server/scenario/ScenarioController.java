package org.tcplab.server.scenario;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Validator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.server.lab.ClockMode;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabHttp;
import org.tcplab.server.lab.LabMapping;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.lab.LabSettings;
import org.tcplab.server.lab.LabSpec;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.web.PublicUrl;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The scenario catalog and running a scenario in a lab (the catalog and runner are the scenario feature's). */
@RestController
@Tag(name = "scenarios", description = "Scripted lessons: RFC 9293 figures and classic failures")
class ScenarioController {

    private final ScenarioCatalog catalog;
    private final ScenarioRunner runner;
    private final LabService labs;
    private final Validator validator;
    private final PublicUrl publicUrl;

    ScenarioController(
            ScenarioCatalog catalog, ScenarioRunner runner, LabService labs, Validator validator, PublicUrl publicUrl) {
        this.catalog = catalog;
        this.runner = runner;
        this.labs = labs;
        this.validator = validator;
        this.publicUrl = publicUrl;
    }

    /** Running a scenario in a lab: its parameters (names and values as {@code GET /api/scenarios} lists). */
    @Schema(example = "{\"params\":{\"clientIsn\":100,\"oldIsn\":90}}")
    record RunRequest(Map<String, Object> params) {}

    /** Creating a lab for a scenario: parameters, and the lab's clock (bounds: {@link LabSpec}). */
    @Schema(example = "{\"params\":{\"clientIsn\":100},\"clock\":\"realtime\",\"timeScale\":0.5}")
    record CreateRequest(Map<String, Object> params, String clock, Double timeScale) {}

    @GetMapping("/api/scenarios")
    @Operation(summary = "The scenario catalog", description = "English, or Chinese with Accept-Language: zh.")
    List<ScenarioInfo> list(Locale locale) {
        return catalog.list(locale == null ? Locale.ENGLISH : locale);
    }

    @PostMapping("/api/labs/{lab}/scenarios/{name}")
    @Operation(
            summary = "Run a scenario in a lab",
            description = "Its steps are scheduled from the lab's current time; the "
                    + "lab's clock plays them (instant: before this answers). 409 if the lab's TCP settings differ from the "
                    + "scenario's (create one with POST /api/scenarios/{name}/labs).")
    Mono<ResponseEntity<Map<String, Object>>> start(
            @PathVariable("lab") String id,
            @PathVariable("name") String name,
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
            @RequestBody(required = false) RunRequest body,
            Locale locale) {
        Map<String, Object> params = body == null || body.params() == null ? Map.of() : body.params();
        return Mono.fromCallable(() -> {
                    Lab lab = labs.authorized(id, auth);
                    ScenarioDefinition def = definition(name);
                    ScenarioRun run = startIn(lab, def, params);
                    return ResponseEntity.status(HttpStatus.ACCEPTED).body(started(lab, run, locale));
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    @PostMapping("/api/scenarios/{name}/labs")
    @Operation(
            summary = "Create a lab set up for a scenario and run it (extension)",
            description = "201 with the lab's id and token, like POST /api/labs; clock defaults to instant.")
    Mono<ResponseEntity<Map<String, Object>>> createAndStart(
            @PathVariable("name") String name,
            @RequestBody(required = false) CreateRequest body,
            ServerHttpRequest request,
            Locale locale) {
        CreateRequest req = body != null ? body : new CreateRequest(null, null, null);
        Map<String, Object> params = req.params() == null ? Map.of() : req.params();
        LabSpec spec = LabSpec.clockOnly(req.clock(), req.timeScale(), null).validated(validator);
        ClockMode clock = spec.clockMode();
        double timeScale = spec.timeScaleOrDefault();
        ScenarioDefinition def = definition(name);
        SimConfig config;
        try {
            config = runner.configure(def, params, SimConfig.defaults(1));
        } catch (IllegalArgumentException e) {
            throw paramProblem(e);
        }
        String client = LabHttp.clientAddress(request);
        return Mono.fromCallable(() -> {
                    Lab lab = labs.create(new LabSettings("sim", config, "server"), clock, timeScale, client);
                    ScenarioRun run = startIn(lab, def, params);
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("id", lab.id());
                    out.put("token", lab.token());
                    out.put("mode", "sim");
                    out.put("clock", clock.id());
                    out.put("viewerUrl", publicUrl.viewer(request, lab.id()));
                    out.putAll(started(lab, run, locale));
                    return LabHttp.created(request, lab).body(out);
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    private ScenarioDefinition definition(String name) {
        return catalog.find(name)
                .orElseThrow(() -> LabProblem.of(
                        ProblemType.SCENARIO_NOT_FOUND, "no scenario " + name + " (GET /api/scenarios lists them)"));
    }

    private ScenarioRun startIn(Lab lab, ScenarioDefinition def, Map<String, Object> params) {
        ScenarioRun run = lab.change(world -> {
            try {
                ScenarioRun r = runner.start(def, params, world);
                // The snapshot asks for the view under the lab's lock, where the run's progress may be read.
                lab.scenario((LabMapping.ScenarioView) log -> view(r, log));
                return r;
            } catch (IllegalStateException e) {
                throw LabProblem.conflict(
                        e.getMessage() + " (POST /api/scenarios/" + def.name() + "/labs creates a fitting lab)");
            } catch (IllegalArgumentException e) {
                throw paramProblem(e);
            }
        });
        return run;
    }

    private static LabProblem paramProblem(IllegalArgumentException e) {
        String field = e instanceof ScenarioParamException p ? "params." + p.param() : "params";
        return LabProblem.badInput(field, e.getMessage());
    }

    private static Map<String, Object> view(ScenarioRun run, List<LoggedEvent> log) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", run.name());
        m.put("title", run.title(Locale.ENGLISH));
        m.put("running", run.running());
        m.put("connections", run.connections());
        m.put("verdict", run.verdict(log));
        return m;
    }

    private Map<String, Object> started(Lab lab, ScenarioRun run, Locale locale) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", run.name());
        out.put("title", run.title(locale == null ? Locale.ENGLISH : locale));
        lab.read(v -> {
            out.put("time", LabMapping.ms(v.driver().nowUs()));
            out.put("lastEventId", v.lastEventId());
            // The run's progress is the lab's state: read it under the lab's lock.
            out.put("running", run.running());
            out.put("connections", run.connections());
            return null;
        });
        return out;
    }
}
