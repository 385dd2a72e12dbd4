package org.tcplab.server.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.system.TcpLabProperties;

/**
 * The first thing a stopping server does, before the HTTP server's graceful shutdown (a later
 * phase): labs that cannot be replayed log that they end, and every viewer is closed with 1001
 * "server restarting; reconnect" (the page reconnects with its last id once the server is back).
 * Without this the graceful shutdown waited its whole timeout for the open WebSockets and the
 * viewers saw 1006.
 */
@Component
class ViewersShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ViewersShutdown.class);
    private final Viewers viewers;
    private final LabService labs;
    private final TcpLabProperties props;
    private volatile boolean running;

    ViewersShutdown(Viewers viewers, LabService labs, TcpLabProperties props) {
        this.viewers = viewers;
        this.labs = labs;
        this.props = props;
    }

    /**
     * Running again after a stop: viewers are admitted again. A server stops once, but Spring may stop
     * and start a context more than once (its test framework pauses cached contexts between test
     * classes), and a restarted context that still refused every viewer would look alive and show
     * nothing live.
     */
    @Override
    public void start() {
        viewers.reopen();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        long start = System.nanoTime();
        int before = viewers.count();
        labs.announceRestart();
        try {
            int left = viewers.closeAll(Viewers.RESTARTING, props.getShutdownViewerGrace());
            if (before > 0) {
                log.info(
                        "closed {} viewers (1001, server restarting) in {} ms; {} did not answer",
                        before - left,
                        (System.nanoTime() - start) / 1_000_000,
                        left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server's graceful shutdown (SmartLifecycle.DEFAULT_PHASE - 1024). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
