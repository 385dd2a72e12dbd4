package org.tcplab.server.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tcplab.server.support.Nginx;
import org.tcplab.server.support.RedisProcess;
import org.tcplab.server.support.ServerProcess;

/**
 * The school's setup of {@code docs/deploy/docker-compose.yml} without Docker: Debian's nginx with
 * the documented config, round-robin in front of two server processes in cluster mode sharing a
 * real redis-server. A student builds a handshake in Chromium through the proxy (its requests land
 * on both instances); the instance running the lab is killed with SIGKILL; the page reconnects, the
 * other instance takes the lab over, and the student goes on in the same diagram.
 */
@Timeout(180)
class ClusterNginxE2ETest {

    @TempDir
    Path dir;

    @Test
    void aStudentGoesOnAfterTheInstanceRunningTheLabDies() throws Exception {
        assumeTrue(Nginx.available(), Nginx.MISSING);
        assumeTrue(
                RedisProcess.binary().isPresent(),
                "no redis-server on this machine: apt-get install redis-server (.ci/run installs it)");
        Browsers browsers = Browsers.require();
        try (browsers;
                RedisProcess redis = RedisProcess.start(dir.resolve("redis"))) {
            CompletableFuture<ServerProcess> startA = CompletableFuture.supplyAsync(() -> start("a", redis));
            ServerProcess b = start("b", redis);
            ServerProcess a = startA.join();
            try (a;
                    b;
                    Nginx nginx = Nginx.start(a.port(), b.port())) {
                String base = "http://127.0.0.1:" + nginx.port() + "/tcplab";
                Page page = browsers.open(1280, 900, "en-US");
                page.navigate(base + "/");
                page.click("button[name=create-lab]");
                page.waitForURL(Pattern.compile(".*/tcplab/labs/[A-Za-z0-9_-]+$"));
                assertThat(page.locator(".status[data-status=live]")).hasCount(1);
                page.fill("input[name=listen-port]", "80");
                page.click("button[name=listen]");
                page.selectOption("select[name=connect-from]", "client");
                page.fill("input[name=local-port]", "40000");
                page.fill("input[name=remote-port]", "80");
                page.click("button[name=connect]");
                Locator arrows = page.locator("[data-segment-id]");
                String lab = page.url().replaceAll(".*/labs/", "");
                try {
                    assertThat(arrows).hasCount(3);
                } catch (AssertionError e) {
                    // Which instance showed what: the page, both instances' logs, the proxy's statuses.
                    Browsers.shot(page, "cluster-00-fewer-arrows");
                    throw new AssertionError(
                            e.getMessage() + "\nstatus: "
                                    + page.locator(".status").getAttribute("data-status")
                                    + "\nlease: " + redis.get("tcplab:lease:" + lab) + "\nnginx: " + nginx.statuses()
                                    + "\nA: " + linesAbout(a, lab) + "\nB: " + linesAbout(b, lab),
                            e);
                }
                Browsers.shot(page, "cluster-01-before");

                String holder = redis.get("tcplab:lease:" + lab);
                assertThat(holder).as("the lab's lease").isNotNull();
                ServerProcess runner = holder.endsWith(":" + a.port()) ? a : b;
                ServerProcess other = runner == a ? b : a;
                runner.kill();
                // The other instance takes the lease when it lapses (its copy of the lab has the
                // page's viewer, so it does not wait for a request).
                page.waitForCondition(
                        () -> {
                            try {
                                String now = redis.get("tcplab:lease:" + lab);
                                return now != null && now.endsWith(":" + other.port());
                            } catch (java.io.IOException e) {
                                return false;
                            }
                        },
                        new Page.WaitForConditionOptions().setTimeout(30_000));
                assertThat(page.locator(".status[data-status=live]")).hasCount(1);
                page.click("button[name=send]");
                // The data segment and its ACK join the same diagram, numbered on from where it was.
                assertThat(arrows).hasCount(5);
                @SuppressWarnings("unchecked")
                List<String> ids =
                        (List<String>) arrows.evaluateAll("els => els.map(e => e.getAttribute('data-segment-id'))");
                assertThat(ids).doesNotHaveDuplicates();
                assertThat(page.locator(".status")).not().hasAttribute("data-status", "gone");
                Browsers.shot(page, "cluster-02-after-failover");
                assertThat(nginx.statuses()).allSatisfy(s -> assertThat(s).isLessThan(500));
            }
        }
    }

    /** The server's log lines that name the lab or are warnings (the log file goes with the test's directory). */
    private static java.util.List<String> linesAbout(ServerProcess server, String lab) throws java.io.IOException {
        return java.nio.file.Files.readAllLines(server.log()).stream()
                .filter(l -> l.contains(lab) || l.contains(" WARN ") || l.contains(" ERROR "))
                .limit(60)
                .toList();
    }

    private ServerProcess start(String name, RedisProcess redis) {
        return redis.instance(dir, name);
    }
}
