package org.tcplab.server.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.TcpLabApplication;

/**
 * Starts the server in this JVM as {@code java -jar} would (not a cached test context), so a test can
 * stop it and start it again on the same data directory.
 */
public final class Servers {

    private Servers() {}

    /** Keeps other tests' {@code @TestConfiguration}s out of the component scan. */
    static final class NoTestConfigurations extends TypeExcludeFilter {
        @Override
        public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
            return reader.getAnnotationMetadata().hasAnnotation(TestConfiguration.class.getName());
        }
    }

    /** Runs the server on a free port with its labs in {@code dataDir}; {@code sources} add beans. */
    public static ConfigurableApplicationContext start(Path dataDir, List<Class<?>> sources, String... properties) {
        List<Class<?>> all = new ArrayList<>(List.of(TcpLabApplication.class));
        all.addAll(sources);
        List<String> props = new ArrayList<>(List.of("tcplab.data-dir=" + dataDir));
        // A free port unless the test names one (cluster peers must know theirs before they start).
        if (List.of(properties).stream().noneMatch(p -> p.startsWith("server.port="))) props.add("server.port=0");
        props.addAll(List.of(properties));
        // As command-line arguments: they outrank the tests' config/application.properties.
        return new SpringApplicationBuilder(all.toArray(Class<?>[]::new))
                .initializers(ctx -> ctx.getBeanFactory()
                        .registerSingleton(NoTestConfigurations.class.getName(), new NoTestConfigurations()))
                .run(props.stream().map(p -> "--" + p).toArray(String[]::new));
    }

    public static int port(ConfigurableApplicationContext ctx) {
        return Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
    }

    public static WebTestClient client(int port) {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(20))
                .build();
    }
}
