package org.tcplab.server.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.tcplab.server.lab.LabCluster;
import org.tcplab.server.lab.LabStore;
import org.tcplab.server.system.ClusterMode;
import org.tcplab.server.system.TcpLabProperties;

/**
 * Cluster mode ({@code tcplab.cluster.redis-url}): labs in Redis instead of the embedded database,
 * and this instance one of several (docs/cluster.md). Lettuce is Redis's Netty client; one
 * connection serves every command (it multiplexes), a second waits on journal tails.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(ClusterMode.On.class)
class ClusterConfig {

    private static final Logger log = LoggerFactory.getLogger(ClusterConfig.class);

    @Bean(destroyMethod = "shutdown")
    RedisClient redisClient(TcpLabProperties props) {
        RedisURI uri = RedisURI.create(props.getCluster().getRedisUrl());
        // A Redis that does not answer fails a request in seconds, not Lettuce's default minute.
        uri.setTimeout(Duration.ofSeconds(5));
        return RedisClient.create(uri);
    }

    @Bean(destroyMethod = "close")
    StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
        return client.connect();
    }

    @Bean
    LabCluster.Instance clusterSelf(TcpLabProperties props, Environment env) throws UnknownHostException {
        String url = props.getCluster().getAdvertisedUrl();
        if (url == null || url.isBlank()) {
            int port = env.getProperty("server.port", Integer.class, 8080);
            if (port == 0) {
                throw new IllegalStateException(
                        "cluster mode with server.port=0: set tcplab.cluster.advertised-url, the URL peers reach"
                                + " this instance at");
            }
            String host = env.getProperty("server.address");
            if (host == null || host.isBlank() || host.equals("0.0.0.0")) {
                host = InetAddress.getLocalHost().getHostAddress();
            }
            url = "http://" + host + ":" + port;
        }
        LabCluster.Instance self =
                new LabCluster.Instance(UUID.randomUUID().toString().substring(0, 8), url.replaceAll("/+$", ""));
        log.info(
                "cluster mode: instance {} at {}, Redis {}",
                self.id(),
                self.url(),
                props.getCluster().getRedisUrl());
        return self;
    }

    @Bean(destroyMethod = "")
    RedisLabCluster labCluster(
            RedisClient client,
            StatefulRedisConnection<String, String> connection,
            LabCluster.Instance self,
            TcpLabProperties props,
            Clock clock) {
        StatefulRedisConnection<String, String> tail = client.connect();
        // The tail blocks up to its XREAD's own timeout: the command timeout must outlast it.
        tail.setTimeout(Duration.ofSeconds(30));
        return new RedisLabCluster(
                connection.sync(), tail.sync(), self, props.getCluster().getLeaseTime(), props.getIdleTimeout(), clock);
    }

    @Bean
    LabStore labStore(
            StatefulRedisConnection<String, String> connection, LabCluster.Instance self, TcpLabProperties props) {
        return new RedisLabStore(connection.sync(), self, props.getCluster().getLeaseTime(), props.getIdleTimeout());
    }
}
