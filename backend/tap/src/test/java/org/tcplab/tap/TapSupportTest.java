package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The capability decision of tap availability, on CapEff values a container really shows. */
class TapSupportTest {

    /** Docker's default set for root: chown, dac_override, ..., net_bind_service, net_raw, sys_chroot, mknod, audit_write, setfcap. */
    private static final long DOCKER_DEFAULT = 0x00000000a80425fbL;

    private static final long NET_ADMIN = 1L << 12;
    private static final long SYS_ADMIN = 1L << 21;

    @Test
    void fullRootHasEverything() {
        assertThat(TapSupport.missingCapabilities(0x000001ffffffffffL)).isEmpty();
    }

    @Test
    void dockerDefaultsLackBoth() {
        assertThat(TapSupport.missingCapabilities(DOCKER_DEFAULT))
                .hasSize(2)
                .anySatisfy(m -> assertThat(m).contains("CAP_NET_ADMIN").contains("--cap-add NET_ADMIN"))
                .anySatisfy(m -> assertThat(m).contains("CAP_SYS_ADMIN").contains("--cap-add SYS_ADMIN"));
    }

    @Test
    void netAdminAloneIsNotEnoughForNamespaces() {
        assertThat(TapSupport.missingCapabilities(DOCKER_DEFAULT | NET_ADMIN))
                .singleElement()
                .asString()
                .contains("CAP_SYS_ADMIN")
                .contains("ip netns");
    }

    @Test
    void bothAddedIsEnough() {
        assertThat(TapSupport.missingCapabilities(DOCKER_DEFAULT | NET_ADMIN | SYS_ADMIN))
                .isEmpty();
    }

    @Test
    void nonRootWithCapAddHasNoEffectiveCapabilities() {
        // `docker run --user 10001 --cap-add NET_ADMIN --cap-add SYS_ADMIN`: bounding set only, CapEff 0.
        assertThat(TapSupport.missingCapabilities(0L)).hasSize(2);
    }

    @Test
    void unreadableStatusSaysWhatToDo() {
        assertThat(TapSupport.missingCapabilities(null))
                .singleElement()
                .asString()
                .contains("CapEff")
                .contains("CAP_SYS_ADMIN");
    }

    @Test
    void thisProcessAgreesWithItsOwnStatus() {
        Long capEff = TapSupport.effectiveCapabilities();
        boolean both = capEff != null && (capEff & NET_ADMIN) != 0 && (capEff & SYS_ADMIN) != 0;
        assertThat(TapSupport.check().reason() == null
                        || !TapSupport.check().reason().contains("CAP_"))
                .isEqualTo(both);
    }
}
