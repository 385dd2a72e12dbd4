package org.tcplab.server.fault;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.server.lab.Authorized;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabHttp;
import org.tcplab.server.lab.LabJson.FaultView;
import org.tcplab.server.lab.LabMapping;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.system.TcpLabProperties;
import reactor.core.publisher.Mono;

/** Fault rules on a lab's link: drop, delay, duplicate, reorder or corrupt matching segments. */
@RestController
@RequestMapping("/api/labs/{lab}/faults")
@Tag(name = "faults", description = "Fault injection on the simulated link")
class FaultController {

    static final String FLAG = "CWR|ECE|URG|ACK|PSH|RST|SYN|FIN";
    private final TcpLabProperties props;

    FaultController(TcpLabProperties props) {
        this.props = props;
    }

    @Schema(
            example =
                    "{\"direction\":\"server-to-client\",\"match\":{\"onlyFlags\":[\"SYN\",\"ACK\"],\"nth\":1,\"count\":1},\"action\":\"drop\"}")
    record FaultRequest(
            @Pattern(
                            regexp = "client-to-server|server-to-client|both",
                            message = "must be client-to-server, server-to-client or both")
                    String direction,
            @Valid Match match,
            @NotNull
                    @Pattern(
                            regexp = "drop|delay|duplicate|reorder|corrupt",
                            message = "must be drop, delay, duplicate, reorder or corrupt")
                    String action,
            @PositiveOrZero @DecimalMax("3600000") Double delayMs) {}

    record Match(
            List<@Pattern(regexp = FLAG, message = "must be one of CWR ECE URG ACK PSH RST SYN FIN") String> flags,
            List<@Pattern(regexp = FLAG, message = "must be one of CWR ECE URG ACK PSH RST SYN FIN") String> onlyFlags,
            String connection,
            @Min(1) Integer nth,
            @Min(0) Integer count,
            @DecimalMin("0") @DecimalMax("1") Double probability) {}

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a fault rule", description = "201 with the rule and its id.")
    Mono<ResponseEntity<FaultView>> add(
            @Authorized Lab lab, @Valid @RequestBody FaultRequest body, ServerHttpRequest request) {
        Match m = body.match() != null ? body.match() : new Match(null, null, null, null, null, null);
        FaultAction action = FaultAction.parse(body.action());
        if (action == FaultAction.DELAY && body.delayMs() == null) {
            throw LabProblem.badInput("delayMs", "a delay fault needs delayMs");
        }
        FaultRule rule = new FaultRule(
                0,
                body.direction() == null ? Direction.BOTH : Direction.parse(body.direction()),
                m.flags() == null ? null : TcpFlags.parse(m.flags()),
                m.onlyFlags() == null ? null : TcpFlags.parse(m.onlyFlags()),
                m.connection(),
                m.nth() == null ? 1 : m.nth(),
                m.count() == null ? 0 : m.count(),
                m.probability() == null ? 1.0 : m.probability(),
                action,
                body.delayMs() == null ? 0 : LabMapping.us(body.delayMs()));
        return lab.async(() -> {
            FaultRule added = lab.change(d -> {
                int max = props.getMaxFaultsPerLab();
                if (d.faults().size() >= max) {
                    throw LabProblem.of(
                            ProblemType.TOO_MANY_FAULTS,
                            "lab " + lab.id() + " holds its maximum of " + max
                                    + " fault rules (tcplab.max-faults-per-lab); delete one"
                                    + " (DELETE /api/labs/" + lab.id() + "/faults/{id}) before adding another");
                }
                return d.addFault(rule);
            });
            return ResponseEntity.created(LabHttp.location(request, "/api/labs/" + lab.id() + "/faults/" + added.id()))
                    .body(FaultView.of(added));
        });
    }

    @GetMapping
    @Operation(summary = "The lab's fault rules")
    Mono<List<FaultView>> list(Lab lab) {
        return lab.async(() ->
                lab.read(v -> v.driver().faults().stream().map(FaultView::of).toList()));
    }

    @GetMapping("/{f}")
    @Operation(summary = "One fault rule (extension)")
    Mono<FaultView> one(Lab lab, @PathVariable("f") int f) {
        return lab.async(() -> lab.read(v -> v.driver().faults().stream()
                .filter(r -> r.id() == f)
                .findFirst()
                .map(FaultView::of)
                .orElseThrow(
                        () -> LabProblem.of(ProblemType.FAULT_NOT_FOUND, "lab " + lab.id() + " has no fault " + f))));
    }

    @DeleteMapping("/{f}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove a fault rule")
    Mono<Void> remove(@Authorized Lab lab, @PathVariable("f") int f) {
        return lab.async(() -> {
            boolean removed = lab.change(d -> d.removeFault(f));
            if (!removed) {
                throw LabProblem.of(ProblemType.FAULT_NOT_FOUND, "lab " + lab.id() + " has no fault " + f);
            }
            return null;
        });
    }
}
