package org.tcplab.tap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Tests against the real kernel need root and /dev/net/tun; elsewhere they skip and say why. */
final class RootOnly {

    private RootOnly() {}

    static void assumeTapAvailable() {
        TapSupport.Availability a = TapSupport.check();
        assumeTrue(a.available(), () -> "TAP tests skipped: " + a.reason());
    }

    /** The host namespace's links and addresses, to prove a lab leaves them alone. */
    static String hostNetwork() {
        return NetNamespace.run(java.util.List.of("ip", "-o", "link", "show"))
                + NetNamespace.run(java.util.List.of("ip", "-o", "addr", "show"));
    }
}
