package org.tcplab.tap;

import java.util.ArrayDeque;
import java.util.Map;
import org.pcap4j.util.MacAddress;

/**
 * The lab's wire: a fresh namespace holding a TAP device whose kernel side has the Linux address,
 * and our host's Ethernet/ARP on the other end of the descriptor. It delivers the IPv4/TCP packets
 * addressed to us and sends ours, resolving Linux's MAC first (packets wait meanwhile, like a
 * kernel's ARP queue). Used by one thread (the lab's driver), except {@link #wake()}.
 */
public final class TapLink implements AutoCloseable {

    public static final String DEVICE = "tcplab0";
    /** Locally administered, unicast (RFC 7042 §2.1): not a vendor's address. */
    static final MacAddress OUR_MAC = MacAddress.getByName("02:7c:1a:00:00:02");

    private static final long ARP_RETRY_US = 1_000_000;
    private static final int ARP_QUEUE = 1024;

    private final NetNamespace ns;
    private final TapDevice device;
    private final EthernetLink eth;
    private final ArrayDeque<Pending> waitingForArp = new ArrayDeque<>();
    private long lastArpRequestUs = Long.MIN_VALUE;
    private long framesIn;
    private long framesOut;

    private record Pending(byte[] ipPacket, Runnable written) {}

    private TapLink(NetNamespace ns, TapDevice device, EthernetLink eth) {
        this.ns = ns;
        this.device = device;
        this.eth = eth;
    }

    /** Creates namespace and device; everything is removed again if a step fails. */
    public static TapLink open(TapLabConfig config) {
        NetNamespace ns = NetNamespace.create();
        try {
            for (Map.Entry<String, String> s : config.sysctls().entrySet()) {
                ns.sysctl(s.getKey(), s.getValue());
            }
            TapDevice dev = TapDevice.open(ns, DEVICE, config.linuxIp() + "/" + config.prefixLength());
            return new TapLink(ns, dev, new EthernetLink(OUR_MAC, config.ourIp(), config.linuxIp()));
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    public NetNamespace namespace() {
        return ns;
    }

    public TapDevice device() {
        return device;
    }

    public String ourMac() {
        return eth.ourMac().toString();
    }

    /** Linux's MAC as ARP told us, or null before that. */
    public String linuxMac() {
        MacAddress m = eth.linuxMac();
        return m == null ? null : m.toString();
    }

    public long framesIn() {
        return framesIn;
    }

    public long framesOut() {
        return framesOut;
    }

    /** Waits for a frame (or a {@link #wake()}) at most {@code timeoutMs}; true if one is waiting. */
    public boolean await(int timeoutMs) {
        return device.await(timeoutMs);
    }

    public void wake() {
        device.wake();
    }

    /**
     * Reads frames until one is an IPv4/TCP packet for us and returns that packet; answers ARP on
     * the way and ignores the rest. Null when nothing more is waiting.
     */
    public byte[] receive(long nowUs) {
        while (true) {
            byte[] frame = device.read();
            if (frame == null) {
                return null;
            }
            framesIn++;
            EthernetLink.Inbound in = eth.classify(frame);
            if (in instanceof EthernetLink.Inbound.Tcp tcp) {
                return tcp.ipPacket();
            }
            if (in instanceof EthernetLink.Inbound.ArpRequest req) {
                write(req.reply());
            }
            flushIfResolved();
        }
    }

    /** Sends our IPv4 packet to Linux, now or once ARP resolves; {@code written} runs when it is on the wire. */
    public void send(byte[] ipPacket, long nowUs, Runnable written) {
        if (eth.linuxMac() != null && waitingForArp.isEmpty()) {
            write(eth.frameIpv4(ipPacket));
            written.run();
            return;
        }
        if (waitingForArp.size() < ARP_QUEUE) {
            waitingForArp.add(new Pending(ipPacket, written));
        }
        resolve(nowUs);
    }

    /** Asks for Linux's MAC if we do not know it (at most once a second). */
    public void resolve(long nowUs) {
        if (eth.linuxMac() == null
                && (lastArpRequestUs == Long.MIN_VALUE || nowUs - lastArpRequestUs >= ARP_RETRY_US)) {
            lastArpRequestUs = nowUs;
            write(eth.arpRequestForLinux());
        }
    }

    /** When {@link #resolve} wants to run again, or Long.MAX_VALUE. */
    public long nextHousekeepingUs() {
        return eth.linuxMac() == null && !waitingForArp.isEmpty() ? lastArpRequestUs + ARP_RETRY_US : Long.MAX_VALUE;
    }

    /** Writes a raw Ethernet frame (tests and benchmarks). */
    public void writeFrame(byte[] frame) {
        write(frame);
    }

    private void flushIfResolved() {
        while (eth.linuxMac() != null && !waitingForArp.isEmpty()) {
            Pending p = waitingForArp.poll();
            write(eth.frameIpv4(p.ipPacket()));
            p.written().run();
        }
    }

    private void write(byte[] frame) {
        device.write(frame);
        framesOut++;
    }

    /** Closes the device and removes the namespace (and with it everything inside). */
    @Override
    public void close() {
        try {
            device.close();
        } finally {
            ns.close();
        }
    }
}
