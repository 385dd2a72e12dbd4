package org.tcplab.server.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.tcplab.server.support.MutableClockConfig;
import org.tcplab.server.support.RawHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forwarded headers count only from {@code tcplab.trusted-proxies}, and from there the client is the
 * rightmost untrusted hop. Requests come from chosen loopback source addresses (each a client of
 * its own); the same settings as ProxyNginxE2ETest, so both share one server.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.forward-headers-strategy=native",
            "tcplab.trusted-proxies=127.0.0.1/32",
            "tcplab.labs-per-client-per-minute=3"
        })
@Import(MutableClockConfig.class)
class ForwardedHeadersTest {

    private static final String JSON_BODY = "{\"seed\":7,\"clock\":\"instant\"}";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Source addresses no other class of this server context uses. */
    private static final AtomicInteger NEXT = new AtomicInteger(200);

    @LocalServerPort
    int appPort;

    private static String client() {
        return "127.0.0." + NEXT.getAndIncrement();
    }

    private static JsonNode json(RawHttp.Response r) {
        return JSON.readTree(r.body());
    }

    @Test
    void forwardedHeadersFromAnUntrustedPeerAreIgnored() throws IOException {
        String untrusted = client();
        Map<String, String> spoof = Map.of(
                "Host", "127.0.0.1:" + appPort,
                "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "evil.example",
                "X-Forwarded-Prefix", "/evil");
        for (int i = 0; i < 3; i++) {
            Map<String, String> h = new java.util.HashMap<>(spoof);
            h.put("X-Forwarded-For", "10.0.0." + i);
            RawHttp.Response r = RawHttp.send(untrusted, appPort, "POST", "/api/labs", h, JSON_BODY);
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            String id = json(r).get("id").asText();
            assertThat(r.header("Location")).isEqualTo("/api/labs/" + id);
            assertThat(json(r).get("viewerUrl").asText()).isEqualTo("http://127.0.0.1:" + appPort + "/labs/" + id);
        }
        // Its three creations counted against its socket address, whatever it claimed.
        Map<String, String> h = new java.util.HashMap<>(spoof);
        h.put("X-Forwarded-For", "10.0.0.99");
        assertThat(RawHttp.send(untrusted, appPort, "POST", "/api/labs", h, JSON_BODY)
                        .status())
                .isEqualTo(429);
    }

    @Test
    void fromTheTrustedProxyTheClientIsTheRightmostUntrustedHop() throws IOException {
        // A proxy that appends ($proxy_add_x_forwarded_for) passes the client's own entries on the left.
        String hop = client();
        for (int i = 0; i < 3; i++) {
            RawHttp.Response r = RawHttp.send(
                    "127.0.0.1",
                    appPort,
                    "POST",
                    "/api/labs",
                    Map.of("X-Forwarded-For", "10.1.1." + i + ", " + hop),
                    JSON_BODY);
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        RawHttp.Response refused = RawHttp.send(
                "127.0.0.1", appPort, "POST", "/api/labs", Map.of("X-Forwarded-For", "10.1.1.77, " + hop), JSON_BODY);
        assertThat(refused.status()).isEqualTo(429);
    }

    @Test
    void trustedProxiesAreAddressesOrBlocksAndNothingElse() {
        TrustedProxies t = TrustedProxies.of(List.of("127.0.0.1/32", " 10.0.0.0/8 ", "::1", "fd00::/8"));
        assertThat(t.contains(TrustedProxies.literal("127.0.0.1"))).isTrue();
        assertThat(t.contains(TrustedProxies.literal("127.0.0.2"))).isFalse();
        assertThat(t.contains(TrustedProxies.literal("10.200.3.4"))).isTrue();
        assertThat(t.contains(TrustedProxies.literal("::1"))).isTrue();
        assertThat(t.contains(TrustedProxies.literal("fd12::1"))).isTrue();
        assertThat(t.contains(TrustedProxies.literal("fe80::1"))).isFalse();
        assertThat(t.contains((InetAddress) null)).isFalse();
        // A name is never looked up: it is no address.
        assertThat(TrustedProxies.literal("proxy.school.example")).isNull();
        assertThatThrownBy(() -> TrustedProxies.of(List.of("proxy.school.example")))
                .hasMessageContaining("tcplab.trusted-proxies")
                .hasMessageContaining("proxy.school.example");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33"))).hasMessageContaining("0..32");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/x"))).hasMessageContaining("10.0.0.0/x");
    }
}
