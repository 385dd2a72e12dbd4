package org.tcplab.server.system;

import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import reactor.netty.http.server.ConnectionInfo;

/**
 * Reactor Netty's forwarded-header handler, for requests from {@link TrustedProxies} only: from any
 * other peer the headers are ignored and the request keeps its socket's address, scheme and host.
 *
 * <p>From a trusted proxy: the client is the rightmost {@code X-Forwarded-For} entry that is not
 * itself a trusted proxy (Tomcat's RemoteIpValve rule). Reactor's own handler takes the leftmost
 * entry, which the client writes itself when a proxy appends to the header, so anyone could pick
 * a fresh address per request and escape the per-client limits. {@code X-Forwarded-Proto},
 * {@code -Host}, {@code -Port} and {@code -Prefix} give the public URL (viewer links, Location
 * headers, the WebSocket Origin check, the sub-path). Malformed values are ignored one by one.
 */
final class ForwardedHeaders implements BiFunction<ConnectionInfo, HttpRequest, ConnectionInfo> {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~!$&'()*+,;=:@%-]{1,64}){1,8}");

    private final TrustedProxies trusted;

    ForwardedHeaders(TrustedProxies trusted) {
        this.trusted = trusted;
    }

    @Override
    public ConnectionInfo apply(ConnectionInfo info, HttpRequest request) {
        InetSocketAddress peer = info.getRemoteAddress();
        if (peer == null || !trusted.contains(peer.getAddress())) {
            return info;
        }
        var headers = request.headers();
        InetAddress client = client(peer.getAddress(), headers.getAll("X-Forwarded-For"));
        if (client != peer.getAddress()) {
            info = info.withRemoteAddress(new InetSocketAddress(client, peer.getPort()));
        }
        String proto = first(headers.get("X-Forwarded-Proto"));
        if (proto != null) {
            proto = proto.toLowerCase(Locale.ROOT);
            if (proto.equals("http") || proto.equals("https")) info = info.withScheme(proto);
        }
        info = host(info, first(headers.get("X-Forwarded-Host")), first(headers.get("X-Forwarded-Port")));
        String prefix = first(headers.get("X-Forwarded-Prefix"));
        if (prefix != null) {
            prefix = prefix.replaceAll("/+$", "");
            if (PREFIX.matcher(prefix).matches()) info = info.withForwardedPrefix(prefix);
        }
        return info;
    }

    /** The rightmost untrusted hop; a malformed entry stops the walk (nothing left of it is believed). */
    private InetAddress client(InetAddress peer, Iterable<String> forwardedFor) {
        java.util.List<String> hops = new java.util.ArrayList<>();
        for (String h : forwardedFor) {
            for (String part : h.split(",")) {
                if (!part.isBlank()) hops.add(part.strip());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = TrustedProxies.literal(hops.get(i));
            if (hop == null) break;
            client = hop;
            if (!trusted.contains(hop)) break;
        }
        return client;
    }

    private static ConnectionInfo host(ConnectionInfo info, String hostHeader, String portHeader) {
        String host = null;
        int port = -1;
        if (hostHeader != null) {
            int colon = hostHeader.lastIndexOf(':');
            boolean hasPort = colon > hostHeader.lastIndexOf(']');
            host = hasPort ? hostHeader.substring(0, colon) : hostHeader;
            port = hasPort ? port(hostHeader.substring(colon + 1)) : -1;
            if (!HOST.matcher(host).matches() || (hasPort && port < 0)) return info;
        }
        if (portHeader != null && port(portHeader) > 0) port = port(portHeader);
        if (host == null && port < 0) return info;
        if (host == null) host = info.getHostName();
        if (port < 0) port = ConnectionInfo.getDefaultHostPort(info.getScheme());
        return info.withHostAddress(InetSocketAddress.createUnresolved(host, port), host, port);
    }

    private static int port(String text) {
        try {
            int p = Integer.parseInt(text.strip());
            return p > 0 && p < 65536 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String first(String header) {
        if (header == null) return null;
        int comma = header.indexOf(',');
        String v = (comma < 0 ? header : header.substring(0, comma)).strip();
        return v.isEmpty() ? null : v;
    }
}
