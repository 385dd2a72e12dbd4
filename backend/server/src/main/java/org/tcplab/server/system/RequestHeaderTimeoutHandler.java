package org.tcplab.server.system;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that does not deliver a request's complete headers within the timeout of
 * starting to wait for them (when it opens, and after each answer on a kept-alive connection).
 * Sits right after the HTTP decoder, so it sees a request only once its headers are complete:
 * trickling a byte at a time (slowloris) does not reset it, unlike an idle timeout. Requests being
 * answered (pipelined ones counted) and upgraded WebSocket connections are left alone.
 */
final class RequestHeaderTimeoutHandler extends ChannelDuplexHandler {

    private final long timeoutMillis;
    private ScheduledFuture<?> deadline;
    private int inFlight;
    private boolean upgraded;

    RequestHeaderTimeoutHandler(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) arm(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            inFlight++;
            disarm();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse r && HttpResponseStatus.SWITCHING_PROTOCOLS.equals(r.status())) {
            upgraded = true;
            disarm();
        }
        if (msg instanceof LastHttpContent && !upgraded) {
            inFlight = Math.max(0, inFlight - 1);
            if (inFlight == 0) arm(ctx);
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    private void arm(ChannelHandlerContext ctx) {
        if (upgraded || deadline != null || timeoutMillis <= 0) return;
        deadline = ctx.executor().schedule((Runnable) ctx::close, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
