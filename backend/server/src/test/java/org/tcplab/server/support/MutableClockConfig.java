package org.tcplab.server.support;

import java.time.Instant;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Replaces the server's wall clock (any {@code Clock} injection point) with one the test moves by hand. */
@TestConfiguration
public class MutableClockConfig {

    @Bean
    @Primary
    MutableClock mutableClock() {
        return new MutableClock(Instant.parse("2026-01-05T08:00:00Z"));
    }
}
