package org.tcplab.server.system;

import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.tcplab.server.stream.EventStreamHandler;
import reactor.netty.http.server.WebsocketServerSpec;

/** WebSocket route and limits, request codec limits. */
@Configuration
@EnableConfigurationProperties(TcpLabProperties.class)
class WebConfig implements WebFluxConfigurer {

    private final TcpLabProperties props;

    WebConfig(TcpLabProperties props) {
        this.props = props;
    }

    @Bean
    HandlerMapping eventStreamMapping(EventStreamHandler handler) {
        // Origins are checked by OriginCheckFilter: this mapping alone would accept any (CSWSH).
        return new SimpleUrlHandlerMapping(Map.of(EventStreamHandler.PATH, handler), Ordered.HIGHEST_PRECEDENCE);
    }

    @Override
    public WebSocketService getWebSocketService() {
        // Viewers only listen: small inbound frames keep a misbehaving client cheap.
        return new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
                () -> WebsocketServerSpec.builder().maxFramePayloadLength(props.getMaxInboundFrameBytes())));
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.defaultCodecs().maxInMemorySize(props.getMaxRequestBytes());
    }
}
