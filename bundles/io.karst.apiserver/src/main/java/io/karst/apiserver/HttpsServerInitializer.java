package io.karst.apiserver;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;

/**
 * TLS, then HTTP/2 or HTTP/1.1 as the client chose by ALPN (Go clients such as kubectl pick h2), then bounded
 * aggregation and the API request handler. Over HTTP/2 each stream is a child channel whose frames are turned
 * back into HTTP/1.1-style messages, so one handler serves both.
 */
final class HttpsServerInitializer extends ChannelInitializer<SocketChannel> {
    /** Idle connections are closed after this long, as Go's http.Server does with its idle timeout. */
    private static final int IDLE_SECONDS = 90;
    /** Open watch streams on a connection: a connection that streams is not idle even when no bytes flow. */
    static final AttributeKey<AtomicInteger> OPEN_STREAMS = AttributeKey.valueOf("karst.open-streams");

    private final SslContext ssl;
    private final ApiRequestHandler handler;
    private final int maxRequestBytes;

    /** Makes each connection's or stream's audit handler; null when the server keeps no audit log. */
    private final Supplier<ChannelHandler> audit;

    HttpsServerInitializer(SslContext ssl, ApiRequestHandler handler, int maxRequestBytes) {
        this(ssl, handler, maxRequestBytes, null);
    }

    HttpsServerInitializer(SslContext ssl, ApiRequestHandler handler, int maxRequestBytes,
            Supplier<ChannelHandler> audit) {
        this.audit = audit;
        this.ssl = ssl;
        this.handler = handler;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.attr(OPEN_STREAMS).set(new AtomicInteger());
        ChannelPipeline p = ch.pipeline();
        p.addLast("tls", ssl.newHandler(ch.alloc()));
        p.addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS) {
            @Override
            protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
                if (ctx.channel().attr(OPEN_STREAMS).get().get() == 0) {
                    ctx.close();
                }
            }
        });
        p.addLast("alpn", new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    ctx.pipeline().addLast("h2", Http2FrameCodecBuilder.forServer().build());
                    ctx.pipeline().addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel stream) {
                            stream.pipeline().addLast("http", new Http2StreamFrameToHttpObjectCodec(true));
                            stream.pipeline().addLast("aggregate", new BoundedAggregator(maxRequestBytes));
                            if (audit != null) {
                                stream.pipeline().addLast("audit", audit.get());
                            }
                            stream.pipeline().addLast("api", handler);
                        }
                    }));
                } else {
                    ctx.pipeline().addLast("http", new HttpServerCodec());
                    ctx.pipeline().addLast("keepalive", new HttpServerKeepAliveHandler());
                    ctx.pipeline().addLast("aggregate", new BoundedAggregator(maxRequestBytes));
                    if (audit != null) {
                        ctx.pipeline().addLast("audit", audit.get());
                    }
                    ctx.pipeline().addLast("api", handler);
                }
            }
        });
    }

    /** The TCP connection a channel belongs to: itself over HTTP/1.1, its parent for an HTTP/2 stream. */
    static Channel connection(Channel channel) {
        return channel instanceof Http2StreamChannel ? channel.parent() : channel;
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
