package org.tcplab.server.store;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.tcplab.server.lab.LabStore;
import org.tcplab.server.system.ClusterMode;
import org.tcplab.server.system.TcpLabProperties;

/**
 * The embedded database under {@code tcplab.data-dir}: created on first start (Flyway migrates it),
 * so running the jar needs no setup. One process at a time may open it (H2 locks the file).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(ClusterMode.Off.class) // cluster mode keeps labs in Redis (cluster.ClusterConfig)
class StoreConfig {

    @Bean
    DataSource dataSource(TcpLabProperties props) throws java.io.IOException {
        Path dir = Path.of(props.getDataDir()).toAbsolutePath().normalize();
        Files.createDirectories(dir);
        // WRITE_DELAY=0: each commit is written before it returns (durable against kill -9).
        // async: H2 on an AsynchronousFileChannel, which a thread interrupt does not close. With the
        // default FileChannel, a request cancelled mid-write (a client that went away interrupts its
        // boundedElastic worker) closed the channel, and with it the database for every lab.
        return DataSourceBuilder.create()
                .url("jdbc:h2:async:" + dir.resolve("labs") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE")
                .username("sa")
                .password("")
                .build();
    }

    @Bean
    @DependsOnDatabaseInitialization // Flyway migrates first
    LabStore labStore(DataSource dataSource, PlatformTransactionManager transactions) {
        return new JdbcLabStore(JdbcClient.create(dataSource), new TransactionTemplate(transactions));
    }
}
