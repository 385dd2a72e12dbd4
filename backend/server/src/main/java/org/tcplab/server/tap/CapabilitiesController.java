package org.tcplab.server.tap;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
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

    @GetMapping("/api/system/capabilities")
    @Operation(
            summary = "Lab modes and their availability",
            description =
                    "{modes:{sim:{available:true}, tap:{available, reason, enabled, linuxSides:{server,client,both}}}}")
    Mono<Map<String, Object>> capabilities() {
        // TapSupport reads /proc and probes JNA/libpcap: off the event loop.
        return Mono.fromCallable(() -> {
                    Map<String, Object> sim = new LinkedHashMap<>();
                    sim.put("available", true);
                    Map<String, Object> modes = new LinkedHashMap<>();
                    modes.put("sim", sim);
                    modes.put("tap", TapAvailability.describe(props));
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("modes", modes);
                    return out;
                })
                .subscribeOn(Schedulers.boundedElastic());
    }
}
