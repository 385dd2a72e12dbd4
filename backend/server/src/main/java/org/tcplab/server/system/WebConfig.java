package org.tcplab.server.system;

import io.netty.channel.ChannelPipeline;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.WebsocketServerSpec;

/** WebSocket handshake and limits (the route is the stream feature's); request codec limits; HTTP connection timeouts. */
@Configuration
@EnableConfigurationProperties(TcpLabProperties.class)
class WebConfig implements WebFluxConfigurer {

    private final TcpLabProperties props;
    private final ObjectProvider<JsonMapperBuilderCustomizer> jsonCustomizers;

    WebConfig(TcpLabProperties props, ObjectProvider<JsonMapperBuilderCustomizer> jsonCustomizers) {
        this.props = props;
        this.jsonCustomizers = jsonCustomizers;
    }

    @Override
    public WebSocketService getWebSocketService() {
        // Viewers only listen: small inbound frames keep a misbehaving client cheap.
        return new OriginCheckingWebSocketService(
                new ReactorNettyRequestUpgradeStrategy(
                        () -> WebsocketServerSpec.builder().maxFramePayloadLength(props.getMaxInboundFrameBytes())),
                props.getAllowedOrigins());
    }

    /**
     * Slow clients cannot hold connections: a new connection's first request headers must arrive
     * whole within {@code tcplab.request-header-timeout} (slowloris), a kept-alive connection's next
     * ones within {@code tcplab.keep-alive-timeout}, and a body may pause no longer than the header
     * timeout between two chunks nor take more than a minute in all. (Not reactor-netty's read
     * timeout: it stays on upgraded WebSocket connections and would close a quiet viewer.)
     */
    @Bean
    NettyServerCustomizer requestTimeouts() {
        Duration header = props.getRequestHeaderTimeout();
        Duration keepAlive = props.getKeepAliveTimeout();
        return server -> server.requestTimeout(Duration.ofMinutes(1)).doOnChannelInit((observer, channel, remote) -> {
            ChannelPipeline p = channel.pipeline();
            if (p.get(NettyPipeline.HttpCodec) != null) {
                p.addAfter(
                        NettyPipeline.HttpCodec,
                        "tcplab.requestHeaderTimeout",
                        new RequestHeaderTimeoutHandler(header.toMillis(), keepAlive.toMillis()));
            }
        });
    }

    /**
     * With {@code tcplab.trusted-proxies} set, forwarded headers count only from those proxies
     * (whatever {@code server.forward-headers-strategy} says; Reactor's own handler believes anyone).
     */
    @Bean
    NettyServerCustomizer trustedProxyForwarding() {
        TrustedProxies trusted = TrustedProxies.of(props.getTrustedProxies());
        return server -> trusted.isEmpty() ? server : server.forwarded(new ForwardedHeaders(trusted));
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.defaultCodecs().maxInMemorySize(props.getMaxRequestBytes());
        // Request bodies are read strictly (RequestJson); answers keep Boot's shared mapper.
        JacksonJsonDecoder decoder =
                new JacksonJsonDecoder(RequestJson.mapper(jsonCustomizers.orderedStream(), props.getMaxStringLength()));
        decoder.setMaxInMemorySize(props.getMaxRequestBytes());
        configurer.defaultCodecs().jacksonJsonDecoder(decoder);
    }
}
