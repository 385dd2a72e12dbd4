package org.tcplab.server.lab;

import java.net.URI;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.tcplab.server.system.RequestLog;

/** What every endpoint that creates a lab answers and needs from the request, in one place. */
public final class LabHttp {

    private LabHttp() {}

    /**
     * 201 for a new lab. The answer carries the lab's token: no cache (browser, proxy) may keep it
     * (RFC 9111 §5.2.2.5).
     */
    public static ResponseEntity.BodyBuilder created(ServerHttpRequest request, Lab lab) {
        return ResponseEntity.created(location(request, "/api/labs/" + lab.id()))
                .cacheControl(CacheControl.noStore());
    }

    /**
     * {@code path} under the application's own path: behind a proxy that serves it at a sub-path
     * ({@code X-Forwarded-Prefix}), {@code /tcplab/api/labs/x}, which the browser resolves against
     * the public origin.
     */
    public static URI location(ServerHttpRequest request, String path) {
        return URI.create(request.getPath().contextPath().value() + path);
    }

    /** The address the per-client limits count (the same the logs name). */
    public static String clientAddress(ServerHttpRequest request) {
        return RequestLog.clientAddress(request);
    }
}
