package org.tcplab.tap;

import java.util.ArrayList;
import java.util.List;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.Packet;
import org.tcplab.engine.wire.Hex;

/**
 * An independent witness: libpcap (through pcap4j) capturing on the tap inside the lab's namespace,
 * collecting the TCP segment of every IPv4 frame in either direction, as hex.
 */
final class Witness implements AutoCloseable {

    private final PcapHandle handle;
    private final Thread thread;
    private final List<String> tcpSegments = new ArrayList<>();
    private volatile boolean running = true;

    Witness(NetNamespace ns, String device) {
        // The capture socket must be created in the lab's namespace, where the device exists.
        this.handle = ns.inside(() -> new PcapHandle.Builder(device)
                .snaplen(65536)
                .promiscuousMode(PcapNetworkInterface.PromiscuousMode.PROMISCUOUS)
                .timeoutMillis(10)
                // A roomy ring: on a loaded machine this thread may not run for a while.
                .bufferSize(32 << 20)
                .immediateMode(true)
                .build());
        try {
            // Non-blocking reads, so close() never waits on a read that has nothing to return.
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
        } catch (Exception e) {
            handle.close();
            throw new IllegalStateException(e);
        }
        this.thread = new Thread(this::loop, "witness");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                Packet p = handle.getNextPacket();
                if (p == null) {
                    Thread.sleep(1);
                    continue;
                }
                EthernetPacket eth = EthernetPacket.newPacket(p.getRawData(), 0, p.getRawData().length);
                IpV4Packet ip = eth.get(IpV4Packet.class);
                if (ip != null && ip.getHeader().getProtocol().value() == 6) {
                    byte[] raw = ip.getRawData();
                    int ihl = (raw[0] & 0x0f) * 4;
                    int total = ip.getHeader().getTotalLengthAsInt();
                    byte[] tcp = java.util.Arrays.copyOfRange(raw, ihl, total);
                    synchronized (tcpSegments) {
                        tcpSegments.add(Hex.of(tcp));
                    }
                }
            } catch (Exception e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    /** Waits until the capture holds at least {@code n} TCP segments (or the time is up), then returns them. */
    List<String> tcpSegments(int n, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (tcpSegments().size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(50); // and anything beyond n that is still on its way
        return tcpSegments();
    }

    /** Packets the kernel could not hand to the capture: a witness with drops proves nothing. */
    long dropped() throws Exception {
        return handle.getStats().getNumPacketsDropped();
    }

    List<String> tcpSegments() {
        synchronized (tcpSegments) {
            return new ArrayList<>(tcpSegments);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(2000);
        handle.close();
    }
}
