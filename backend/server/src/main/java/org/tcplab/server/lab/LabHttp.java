package org.tcplab.server.lab;

import java.net.InetSocketAddress;
import java.net.URI;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** What every endpoint that creates a lab answers and needs from the request, in one place. */
public final class LabHttp {

    private LabHttp() {}

    /**
     * 201 for a new lab. The answer carries the lab's token: no cache (browser, proxy) may keep it
     * (RFC 9111 §5.2.2.5).
     */
    public static ResponseEntity.BodyBuilder created(Lab lab) {
        return ResponseEntity.created(URI.create("/api/labs/" + lab.id())).cacheControl(CacheControl.noStore());
    }

    /** The address the per-client creation limit counts. */
    public static String clientAddress(ServerHttpRequest request) {
        InetSocketAddress a = request.getRemoteAddress();
        return a == null || a.getAddress() == null ? "unknown" : a.getAddress().getHostAddress();
    }
}
