package org.tcplab.server.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.server.lab.LabSettings;
import org.tcplab.server.lab.LabWorldFactory;

/** Puts {@link FakeLabDriver} in front of the engine for sim labs (the REST layer's tests). */
@TestConfiguration
public class FakeDriverConfig {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    LabWorldFactory fakeSimFactory() {
        return new FakeFactory();
    }

    @Order(Ordered.HIGHEST_PRECEDENCE)
    static final class FakeFactory implements LabWorldFactory, Ordered {
        @Override
        public String mode() {
            return "sim";
        }

        @Override
        public LabWorld create(LabSettings settings, EventSink events) {
            return new FakeLabDriver(settings, events);
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }
}
