package org.tcplab.tap;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.wire.Ipv4Address;

/**
 * How a TAP lab starts. Addresses are documentation addresses (RFC 5737 TEST-NET-2) that exist only
 * inside the lab's own namespace.
 *
 * @param linuxSide which role the Linux kernel plays: {@code server} (Linux listens, our stack
 *     connects; our host is {@code client}) or {@code client} (Linux connects to our stack), or
 *     {@code both} (two Linux hosts: see {@link LinuxPairLab})
 * @param linuxIp the address on the tap, the kernel's side ({@code both}: the client's)
 * @param ourIp our stack's address ({@code both}: the Linux server's)
 * @param prefixLength the on-link prefix set on the tap
 * @param tcp our stack's TCP settings
 * @param seed for fault probabilities
 * @param sysctls set inside the namespace before anything starts (e.g. {@code net.ipv4.tcp_syn_retries})
 * @param procPollUs how often Linux's {@code /proc/net/tcp} is read while connections live
 */
public record TapLabConfig(
        String linuxSide,
        Ipv4Address linuxIp,
        Ipv4Address ourIp,
        int prefixLength,
        TcpConfig tcp,
        long seed,
        Map<String, String> sysctls,
        long procPollUs) {

    public static final Ipv4Address LINUX_DEFAULT = Ipv4Address.parse("198.51.100.1");
    public static final Ipv4Address OURS_DEFAULT = Ipv4Address.parse("198.51.100.2");

    public TapLabConfig {
        if (!"server".equals(linuxSide) && !"client".equals(linuxSide) && !"both".equals(linuxSide)) {
            throw new IllegalArgumentException("linuxSide must be server, client or both: " + linuxSide);
        }
        sysctls = new LinkedHashMap<>(sysctls);
    }

    public static TapLabConfig defaults(String linuxSide) {
        Map<String, String> sysctls = new LinkedHashMap<>();
        // Router solicitations and DAD on the tap are noise in a TCP lab (we ignore them anyway).
        sysctls.put("net.ipv6.conf.all.disable_ipv6", "1");
        sysctls.put("net.ipv6.conf.default.disable_ipv6", "1");
        return new TapLabConfig(linuxSide, LINUX_DEFAULT, OURS_DEFAULT, 24, TcpConfig.defaults(), 1, sysctls, 2_000);
    }

    public TapLabConfig withTcp(TcpConfig t) {
        return new TapLabConfig(linuxSide, linuxIp, ourIp, prefixLength, t, seed, sysctls, procPollUs);
    }

    public TapLabConfig withSysctl(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(sysctls);
        m.put(key, value);
        return new TapLabConfig(linuxSide, linuxIp, ourIp, prefixLength, tcp, seed, m, procPollUs);
    }

    public TapLabConfig withSeed(long s) {
        return new TapLabConfig(linuxSide, linuxIp, ourIp, prefixLength, tcp, s, sysctls, procPollUs);
    }
}
