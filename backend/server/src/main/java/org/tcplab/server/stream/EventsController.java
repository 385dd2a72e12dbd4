package org.tcplab.server.stream;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.system.LabProblem;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The event log as a JSON array (the export); live events come over the WebSocket. */
@RestController
@Tag(name = "events", description = "The lab's ordered event log")
class EventsController {

    private final LabService labs;

    EventsController(LabService labs) {
        this.labs = labs;
    }

    @GetMapping("/api/labs/{lab}/events")
    @Operation(
            summary = "Events with id > after, in order",
            description =
                    "Live: WebSocket /api/labs/{lab}/events/stream?after=N sends the same objects, one per text frame.")
    Mono<List<Map<String, Object>>> events(
            @PathVariable("lab") String id, @RequestParam(value = "after", defaultValue = "0") long after) {
        if (after < 0) throw LabProblem.badInput("after", "must be 0 or more");
        return Mono.fromCallable(() -> labs.get(id).read(v -> {
                    List<LoggedEvent> events = v.eventsAfter(after);
                    List<Map<String, Object>> out = new ArrayList<>(events.size());
                    for (LoggedEvent e : events) out.add(EventJson.toMap(e));
                    return out;
                }))
                .subscribeOn(Schedulers.boundedElastic());
    }
}
