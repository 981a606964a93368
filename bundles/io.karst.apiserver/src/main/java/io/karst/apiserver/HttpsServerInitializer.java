package io.karst.apiserver;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;

/** TLS → HTTP/1.1 codec → bounded aggregation → the API request handler. */
final class HttpsServerInitializer extends ChannelInitializer<SocketChannel> {
    /** Idle connections are closed after this long, as Go's http.Server does with its idle timeout. */
    private static final int IDLE_SECONDS = 90;

    private final SslContext ssl;
    private final ApiRequestHandler handler;
    private final int maxRequestBytes;

    HttpsServerInitializer(SslContext ssl, ApiRequestHandler handler, int maxRequestBytes) {
        this.ssl = ssl;
        this.handler = handler;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("tls", ssl.newHandler(ch.alloc()));
        p.addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS) {
            @Override
            protected void channelIdle(ChannelHandlerContext ctx, io.netty.handler.timeout.IdleStateEvent evt) {
                ctx.close();
            }
        });
        p.addLast("http", new HttpServerCodec());
        p.addLast("keepalive", new HttpServerKeepAliveHandler());
        p.addLast("aggregate", new BoundedAggregator(maxRequestBytes));
        p.addLast("api", handler);
    }

    /** Refuses an oversized body with a {@code 413 Status} as upstream does, instead of Netty's empty answer. */
    private static final class BoundedAggregator extends HttpObjectAggregator {
        private final int limit;

        BoundedAggregator(int limit) {
            super(limit);
            this.limit = limit;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.writeAndFlush(StatusResponses.requestEntityTooLarge(limit)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
