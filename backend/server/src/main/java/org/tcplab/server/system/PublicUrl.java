package org.tcplab.server.system;

import java.net.URI;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * Where viewers reach this server: {@code tcplab.public-url} when set (a teacher on localhost
 * hands out the school's address), else the address the request came to, as Spring reports it
 * after the forwarded headers of a trusted proxy ({@code server.forward-headers-strategy}).
 */
@Component
public class PublicUrl {

    private final String configured;

    PublicUrl(@Value("${tcplab.public-url:}") String configured) {
        this.configured = configured.strip().replaceAll("/+$", "");
    }

    /** {@code scheme://host[:port][/prefix]}, without a trailing slash. */
    public String base(ServerHttpRequest request) {
        if (!configured.isEmpty()) return configured;
        URI uri = request.getURI();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String prefix = request.getPath().contextPath().value();
        return uri.getScheme() + "://" + uri.getHost() + port + prefix;
    }

    /** The read-only link of a lab, for the class. */
    public String viewer(ServerHttpRequest request, String lab) {
        return base(request) + "/labs/" + lab;
    }
}
