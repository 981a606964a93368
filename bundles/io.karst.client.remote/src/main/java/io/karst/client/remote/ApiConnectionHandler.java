package io.karst.client.remote;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SSLEngine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The connection's own events, after TLS: once the handshake is done, HTTP/2 is required (the Karst API server
 * offers it by ALPN; a server that does not choose it is refused with a message saying so) and Netty's HTTP/2
 * codec with its stream multiplexer is put in front of this handler; the connection is ready when the server's
 * settings arrive. GOAWAY or a close retires it: later requests make a new one.
 */
final class ApiConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ApiConnectionHandler.class);

    private final URI server;
    private final SSLEngine engine;
    private final CompletableFuture<Channel> ready;
    private final Runnable retire;

    ApiConnectionHandler(URI server, SSLEngine engine, CompletableFuture<Channel> ready, Runnable retire) {
        this.server = server;
        this.engine = engine;
        this.ready = ready;
        this.retire = retire;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (!handshake.isSuccess()) {
                fail(ctx, handshake.cause());
                return;
            }
            String protocol = engine.getApplicationProtocol();
            if (!ApiConnectionInitializer.H2.equals(protocol)) {
                fail(ctx, new IOException("the API server " + server + " did not choose HTTP/2 by ALPN (it chose "
                        + (protocol == null || protocol.isEmpty() ? "none" : protocol)
                        + "); the remote client speaks only h2"));
                return;
            }
            // Netty's defaults: 64 KiB stream windows, acknowledged as the streams' frames are read
            ctx.pipeline().addBefore(ctx.name(), "h2", Http2FrameCodecBuilder.forClient()
                    .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)).build());
            ctx.pipeline().addBefore(ctx.name(), "streams",
                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        } else if (event instanceof Http2GoAwayFrame) {
            retire.run();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame) {
                ready.complete(ctx.channel());
            } else if (msg instanceof Http2GoAwayFrame) {
                retire.run();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        retire.run();
        ready.completeExceptionally(new IOException("the API server " + server
                + " closed the connection before its HTTP/2 settings"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection to {} failed: {}", server, cause.toString());
        fail(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        retire.run();
        ready.completeExceptionally(cause instanceof IOException io ? io : new IOException(cause.toString(), cause));
        ctx.close();
    }
}
