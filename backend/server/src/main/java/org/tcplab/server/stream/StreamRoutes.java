package org.tcplab.server.stream;

import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;

/** The WebSocket route of the event stream. */
@Configuration
class StreamRoutes {

    @Bean
    HandlerMapping eventStreamMapping(EventStreamHandler handler) {
        // This mapping accepts any Origin by itself (CSWSH): system.WebConfig's handshake service checks it.
        return new SimpleUrlHandlerMapping(Map.of(EventStreamHandler.PATH, handler), Ordered.HIGHEST_PRECEDENCE);
    }
}
