package org.tcplab.server.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.0 request over a socket bound to a chosen loopback source address (127.0.0.2,
 * 127.0.0.3, ...: each is a different client to the server or to a proxy), with headers exactly
 * as given. HTTP/1.0 so the answer is delimited by the connection's close.
 */
public final class RawHttp {

    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {}

    public static Response send(
            String source, int port, String method, String path, Map<String, String> headers, String body)
            throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            s.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.0\r\n");
            if (!headers.containsKey("Host"))
                req.append("Host: 127.0.0.1:").append(port).append("\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                req.append("Content-Type: application/json\r\nContent-Length: ")
                        .append(payload.length)
                        .append("\r\n");
            }
            req.append("\r\n");
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(payload);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            String[] head = (end < 0 ? all : all.substring(0, end)).split("\r\n");
            Map<String, String> h = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int c = head[i].indexOf(':');
                if (c > 0)
                    h.putIfAbsent(
                            head[i].substring(0, c).strip().toLowerCase(Locale.ROOT),
                            head[i].substring(c + 1).strip());
            }
            return new Response(Integer.parseInt(head[0].split(" ")[1]), h, end < 0 ? "" : all.substring(end + 4));
        }
    }
}
