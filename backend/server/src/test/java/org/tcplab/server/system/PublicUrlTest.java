package org.tcplab.server.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;

/**
 * The viewer link a teacher hands out: the configured public address, else the address the
 * request came to, including one a trusted proxy forwarded (as Spring's forwarded-header support,
 * {@code server.forward-headers-strategy=framework}, reports it).
 */
class PublicUrlTest {

    private final PublicUrl fromRequest = new PublicUrl("");

    @Test
    void theConfiguredAddressWins() {
        PublicUrl configured = new PublicUrl("https://lab.school.example/tcplab/");
        ServerHttpRequest r =
                MockServerHttpRequest.get("http://localhost:8080/").build();
        assertThat(configured.base(r)).isEqualTo("https://lab.school.example/tcplab");
        assertThat(configured.viewer(r, "abc")).isEqualTo("https://lab.school.example/tcplab/labs/abc");
    }

    @Test
    void elseTheHostTheRequestCameTo() {
        ServerHttpRequest r =
                MockServerHttpRequest.get("http://192.168.1.20:8080/api/labs").build();
        assertThat(fromRequest.viewer(r, "abc")).isEqualTo("http://192.168.1.20:8080/labs/abc");
    }

    @Test
    void behindAProxyTheForwardedHostAndPrefix() {
        ServerHttpRequest r = new ForwardedHeaderTransformer()
                .apply(MockServerHttpRequest.get("http://10.0.0.5:8080/api/labs")
                        .header("X-Forwarded-Proto", "https")
                        .header("X-Forwarded-Host", "lab.school.example")
                        .header("X-Forwarded-Port", "443")
                        .header("X-Forwarded-Prefix", "/tcplab")
                        .build());
        assertThat(fromRequest.viewer(r, "abc")).isEqualTo("https://lab.school.example/tcplab/labs/abc");
        ServerHttpRequest forwarded = new ForwardedHeaderTransformer()
                .apply(MockServerHttpRequest.get("http://10.0.0.5:8080/")
                        .header("Forwarded", "proto=https;host=lab.school.example")
                        .build());
        assertThat(fromRequest.base(forwarded)).isEqualTo("https://lab.school.example");
    }
}
