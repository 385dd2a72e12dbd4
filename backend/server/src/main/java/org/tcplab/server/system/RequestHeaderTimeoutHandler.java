package org.tcplab.server.system;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that does not deliver a request's complete headers in time: within the header
 * timeout of opening, and within the (longer) keep-alive timeout of its previous answer. Sits right
 * after the HTTP decoder, so it sees a request only once its headers are complete: trickling a byte
 * at a time (slowloris) does not reset it, unlike an idle timeout. A body may pause no longer than
 * the header timeout between two of its chunks. Requests being answered (pipelined ones counted) and
 * upgraded WebSocket connections are left alone: a viewer only listens, however quiet its lab. (This
 * is why it is not reactor-netty's read timeout, which stays on an upgraded connection.) Kept-alive
 * connections get longer because a client may reuse one just as the server closes it, and a POST
 * that meets a closed connection is not retried by most clients.
 */
final class RequestHeaderTimeoutHandler extends ChannelDuplexHandler {

    private final long firstMillis;
    private final long keepAliveMillis;
    private ScheduledFuture<?> deadline;
    private int inFlight;
    private boolean bodyPending;
    private boolean upgraded;

    RequestHeaderTimeoutHandler(long firstMillis, long keepAliveMillis) {
        this.firstMillis = firstMillis;
        this.keepAliveMillis = keepAliveMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) arm(ctx, firstMillis);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx, firstMillis);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            inFlight++;
            disarm();
            bodyPending = !(msg instanceof LastHttpContent);
            // A body in progress: its next chunk is due within the header timeout.
            if (bodyPending) arm(ctx, firstMillis);
        } else if (msg instanceof HttpContent && bodyPending) {
            disarm();
            if (msg instanceof LastHttpContent) {
                bodyPending = false;
                // The answer may have gone out before the body's end was read (a GET's empty end).
                if (inFlight == 0) arm(ctx, keepAliveMillis);
            } else {
                arm(ctx, firstMillis);
            }
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
            if (inFlight == 0 && !bodyPending) {
                disarm();
                arm(ctx, keepAliveMillis);
            }
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    private void arm(ChannelHandlerContext ctx, long millis) {
        if (upgraded || deadline != null || millis <= 0) return;
        deadline = ctx.executor().schedule((Runnable) ctx::close, millis, TimeUnit.MILLISECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
