package org.tcplab.engine.wire;

/** The TCP control bits, declared in header bit order (RFC 9293 §3.1, RFC 3168 for CWR/ECE). */
public enum TcpFlag {
    CWR(0x80),
    ECE(0x40),
    URG(0x20),
    ACK(0x10),
    PSH(0x08),
    RST(0x04),
    SYN(0x02),
    FIN(0x01);

    private final int bit;

    TcpFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }
}
