package org.tcplab.server.system;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The proxies whose {@code X-Forwarded-*} headers this server believes ({@code tcplab.trusted-proxies}:
 * addresses or CIDR blocks, IPv4 or IPv6). Parsed once at start; a malformed entry stops the start
 * with its name, and nothing here ever asks DNS.
 */
public final class TrustedProxies {

    private final List<IpSubnetFilterRule> rules;

    private TrustedProxies(List<IpSubnetFilterRule> rules) {
        this.rules = rules;
    }

    public static TrustedProxies of(List<String> entries) {
        return new TrustedProxies(entries.stream().map(TrustedProxies::rule).toList());
    }

    private static IpSubnetFilterRule rule(String entry) {
        String e = entry.strip();
        int slash = e.indexOf('/');
        String address = slash < 0 ? e : e.substring(0, slash);
        InetAddress ip = literal(address);
        if (ip == null) {
            throw new IllegalArgumentException(
                    "tcplab.trusted-proxies: '" + entry + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8)");
        }
        int full = ip.getAddress().length * 8;
        int bits;
        try {
            bits = slash < 0 ? full : Integer.parseInt(e.substring(slash + 1));
        } catch (NumberFormatException ex) {
            bits = -1;
        }
        if (bits < 0 || bits > full) {
            throw new IllegalArgumentException(
                    "tcplab.trusted-proxies: '" + entry + "' has a prefix length outside 0.." + full);
        }
        return new IpSubnetFilterRule(ip, bits, IpFilterRuleType.ACCEPT);
    }

    /** An IP literal as an address, or null: never a DNS lookup. */
    public static InetAddress literal(String text) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
        if (!NetUtil.isValidIpV4Address(t) && !NetUtil.isValidIpV6Address(t)) return null;
        return NetUtil.createInetAddressFromIpAddressString(t);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    public boolean contains(InetAddress address) {
        if (address == null) return false;
        InetSocketAddress a = new InetSocketAddress(address, 0);
        for (IpSubnetFilterRule r : rules) {
            if (r.matches(a)) return true;
        }
        return false;
    }
}
