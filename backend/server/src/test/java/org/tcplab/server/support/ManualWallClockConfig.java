package org.tcplab.server.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Replaces the server's wall clock (lab timing, idle removal) with one the test moves by hand. */
@TestConfiguration
public class ManualWallClockConfig {

    @Bean
    @Primary
    ManualWallClock manualWallClock() {
        return new ManualWallClock();
    }
}
