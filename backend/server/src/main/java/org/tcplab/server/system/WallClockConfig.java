package org.tcplab.server.system;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The real wall clock, unless a test provides its own. */
@Configuration(proxyBeanMethods = false)
class WallClockConfig {

    @Bean
    @ConditionalOnMissingBean
    WallClock wallClock() {
        return WallClock.SYSTEM;
    }
}
