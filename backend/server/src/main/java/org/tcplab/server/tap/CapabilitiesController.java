package org.tcplab.server.tap;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.server.system.TcpLabProperties;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Which lab modes this server offers: the SPA greys {@code tap} out with {@code reason} (the same
 * text as the 503 of {@code POST /api/labs}). The page settings {@code tapAvailable}/{@code tapReason}
 * carry the same facts.
 */
@RestController
@Tag(name = "system", description = "What this server can do")
class CapabilitiesController {

    private final TcpLabProperties props;

    CapabilitiesController(TcpLabProperties props) {
        this.props = props;
    }

    /** {@code GET /api/system/capabilities}. */
    record Capabilities(Modes modes) {}

    /** The lab modes: sim is always available; tap says what it needs. */
    record Modes(SimMode sim, TapAvailability.TapMode tap) {}

    record SimMode(boolean available) {}

    @GetMapping("/api/system/capabilities")
    @Operation(
            summary = "Lab modes and their availability",
            description = "sim is always available; tap says whether it is, and if not exactly why (the same text"
                    + " as the 503 of POST /api/labs), with Linux as the server, the client or both hosts.")
    Mono<Capabilities> capabilities() {
        // TapSupport reads /proc and probes JNA/libpcap: off the event loop.
        return Mono.fromCallable(() -> new Capabilities(new Modes(new SimMode(true), TapAvailability.describe(props))))
                .subscribeOn(Schedulers.boundedElastic());
    }
}
