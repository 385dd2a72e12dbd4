package org.tcplab.engine.wire;

/** An IPv4 address as 32 bits; the lab's hosts use documentation addresses (RFC 5737). */
public record Ipv4Address(int bits) {

    public static final Ipv4Address CLIENT_DEFAULT = parse("192.0.2.1");
    public static final Ipv4Address SERVER_DEFAULT = parse("192.0.2.2");

    public static Ipv4Address parse(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        int bits = 0;
        for (String p : parts) {
            int octet = Integer.parseInt(p);
            if (octet < 0 || octet > 255) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            bits = (bits << 8) | octet;
        }
        return new Ipv4Address(bits);
    }

    public static Ipv4Address of(byte[] four) {
        return new Ipv4Address(
                ((four[0] & 0xff) << 24) | ((four[1] & 0xff) << 16) | ((four[2] & 0xff) << 8) | (four[3] & 0xff));
    }

    public byte[] toBytes() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    @Override
    public String toString() {
        return ((bits >>> 24) & 0xff) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "."
                + (bits & 0xff);
    }
}
