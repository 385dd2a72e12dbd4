package org.tcplab.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.tcplab.server.system.TcpLabProperties;

/**
 * A request that is cancelled interrupts the thread doing its work, possibly in the middle of a
 * write to the store. The store must survive that: with H2 on a plain FileChannel the interrupt
 * closed the channel and the database with it, for every lab, until the server restarted.
 */
class StoreInterruptTest {

    @Test
    void writesInterruptedMidwayLeaveTheStoreWorking() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "store-interrupt");
        TcpLabProperties props = new TcpLabProperties();
        props.setDataDir(dir.toString());
        DataSource ds = new StoreConfig().dataSource(props);
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("create table t (id int primary key, v varchar(2000))");
        }
        // Writer threads interrupted while they commit, as boundedElastic workers are on cancel.
        for (int round = 0; round < 20; round++) {
            int base = round * 1000;
            java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
            Thread writer = new Thread(() -> {
                try (Connection c = ds.getConnection();
                        Statement s = c.createStatement()) {
                    for (int i = 0; i < 1000 && !Thread.currentThread().isInterrupted(); i++) {
                        s.execute("insert into t values (" + (base + i) + ", '" + "x".repeat(1000) + "')");
                        writing.countDown();
                    }
                } catch (Exception expected) {
                    writing.countDown();
                    // The interrupted request fails: that one, not every later one.
                }
            });
            writer.start();
            writing.await(); // mid-stream: the next commits are under way when the interrupt lands
            writer.interrupt();
            writer.join();
        }
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("insert into t values (-1, 'after')");
            try (ResultSet r = s.executeQuery("select v from t where id = -1")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("after");
            }
        }
        if (ds instanceof AutoCloseable closeable) closeable.close();
    }
}
