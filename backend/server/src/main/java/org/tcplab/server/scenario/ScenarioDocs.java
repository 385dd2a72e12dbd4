package org.tcplab.server.scenario;

import io.swagger.v3.core.converter.ModelConverters;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The snapshot's {@code scenario} is the scenario feature's record, which the lab package cannot
 * name (it would be a package cycle): its schema is added here, where the snapshot refers to it.
 */
@Configuration
class ScenarioDocs {

    @Bean
    OpenApiCustomizer scenarioProgressSchema() {
        return api -> ModelConverters.getInstance()
                .readAll(RunningScenario.ScenarioProgress.class)
                .forEach((name, schema) -> api.getComponents().getSchemas().putIfAbsent(name, schema));
    }
}
