package org.tcplab.server.scenario;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Validator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.server.lab.Authorized;
import org.tcplab.server.lab.ClockMode;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabHttp;
import org.tcplab.server.lab.LabMapping;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.lab.LabSettings;
import org.tcplab.server.lab.LabSpec;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.system.PublicUrl;
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

    /** 202 to running a scenario: where the lab stood when it answered (instant: every step played). */
    record ScenarioStarted(
            String scenario,
            String title,
            double time,
            long lastEventId,
            boolean running,
            @Schema(description = "the scenario's connection names and the lab connection ids they got")
                    Map<String, String> connections) {}

    /** 201 to creating a lab for a scenario: the lab's id and token, then the run as {@link ScenarioStarted}. */
    record ScenarioLabCreated(
            String id,
            String token,
            String mode,
            String clock,
            String viewerUrl,
            String scenario,
            String title,
            double time,
            long lastEventId,
            boolean running,
            Map<String, String> connections) {}

    @PostMapping("/api/labs/{lab}/scenarios/{name}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(
            summary = "Run a scenario in a lab",
            description = "Its steps are scheduled from the lab's current time; the "
                    + "lab's clock plays them (instant: before this answers). 409 if the lab's TCP settings differ from the "
                    + "scenario's (create one with POST /api/scenarios/{name}/labs).")
    Mono<ResponseEntity<ScenarioStarted>> start(
            @Authorized Lab lab,
            @PathVariable("name") String name,
            @RequestBody(required = false) RunRequest body,
            Locale locale) {
        Map<String, Object> params = body == null || body.params() == null ? Map.of() : body.params();
        ScenarioDefinition def = definition(name);
        return lab.async(() -> {
            ScenarioRun run = startIn(lab, def, params);
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(started(lab, run, locale));
        });
    }

    @PostMapping("/api/scenarios/{name}/labs")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Create a lab set up for a scenario and run it (extension)",
            description = "201 with the lab's id and token, like POST /api/labs; clock defaults to instant.")
    Mono<ResponseEntity<ScenarioLabCreated>> createAndStart(
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
                    ScenarioStarted s = started(lab, run, locale);
                    return LabHttp.created(request, lab)
                            .body(new ScenarioLabCreated(
                                    lab.id(),
                                    lab.token(),
                                    "sim",
                                    clock.id(),
                                    publicUrl.viewer(request, lab.id()),
                                    s.scenario(),
                                    s.title(),
                                    s.time(),
                                    s.lastEventId(),
                                    s.running(),
                                    s.connections()));
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    private ScenarioDefinition definition(String name) {
        return catalog.find(name)
                .orElseThrow(() -> LabProblem.of(
                        ProblemType.SCENARIO_NOT_FOUND, "no scenario " + name + " (GET /api/scenarios lists them)"));
    }

    private ScenarioRun startIn(Lab lab, ScenarioDefinition def, Map<String, Object> params) {
        return lab.change(world -> {
            try {
                // Attached before its first step, so it is handed every event the run causes.
                long startUs = world.nowUs();
                ScenarioRun r = runner.start(def, params, world);
                ScenarioMarks.started(lab, r, startUs);
                return r;
            } catch (IllegalStateException e) {
                throw LabProblem.conflict(
                        e.getMessage() + " (POST /api/scenarios/" + def.name() + "/labs creates a fitting lab)");
            } catch (IllegalArgumentException e) {
                throw paramProblem(e);
            }
        });
    }

    private static LabProblem paramProblem(IllegalArgumentException e) {
        String field = e instanceof ScenarioParamException p ? "params." + p.param() : "params";
        return LabProblem.badInput(field, e.getMessage());
    }

    private static ScenarioStarted started(Lab lab, ScenarioRun run, Locale locale) {
        // The run's progress is the lab's state: read it on the lab's executor.
        return lab.read(v -> new ScenarioStarted(
                run.name(),
                run.title(locale == null ? Locale.ENGLISH : locale),
                LabMapping.ms(v.driver().nowUs()),
                v.lastEventId(),
                run.running(),
                run.connections()));
    }
}
