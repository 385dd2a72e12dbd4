package org.tcplab.server.system;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether this instance is one of several sharing a Redis ({@code tcplab.cluster.redis-url} set) or
 * runs alone with its embedded store. In cluster mode no embedded database is opened at all: the
 * JDBC and Flyway auto-configurations are switched off before the context starts, so two instances
 * on one host never fight over an H2 file.
 */
public final class ClusterMode implements EnvironmentPostProcessor {

    public static final String REDIS_URL = "tcplab.cluster.redis-url";

    /** Why tap labs are not offered in cluster mode (the 503 and the capabilities say it alike). */
    public static final String NO_TAP = "tap labs are not offered in cluster mode: their other side is the Linux"
            + " kernel of one machine, which no other instance can follow or take over; run them on an instance of"
            + " their own (without tcplab.cluster.redis-url)";

    public static boolean on(Environment env) {
        String url = env.getProperty(REDIS_URL);
        return url != null && !url.isBlank();
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!on(env)) return;
        String excluded = String.join(
                ",",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
                "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration");
        String already = env.getProperty("spring.autoconfigure.exclude", "");
        env.getPropertySources()
                .addFirst(new MapPropertySource(
                        "tcplab-cluster-mode",
                        Map.of(
                                "spring.autoconfigure.exclude",
                                already.isBlank() ? excluded : already + "," + excluded)));
    }

    /** Cluster mode: {@code tcplab.cluster.redis-url} is set. */
    public static final class On implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return on(context.getEnvironment());
        }
    }

    /** One instance alone, with its embedded store. */
    public static final class Off implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !on(context.getEnvironment());
        }
    }
}
