package io.karst.apiserver;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.karst.api.security.UserInfo;
import io.karst.api.tunnel.TunnelLink;
import io.karst.api.tunnel.TunnelServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * {@value TunnelServer#PATH}: an agent's tunnel WebSocket. Only a node may open one (a client certificate of
 * {@code system:node:<name>} in {@code system:nodes}); the connection then belongs to the {@link TunnelServer}
 * service, which this endpoint feeds the binary messages and whose messages it writes.
 */
final class TunnelEndpoint {
    private static final String NODE_PREFIX = "system:node:";
    private static final int MAX_MESSAGE_BYTES = 1 << 20;

    private final Supplier<TunnelServer> server;

    TunnelEndpoint(Supplier<TunnelServer> server) {
        this.server = server;
    }

    static boolean handles(String path) {
        return path.equals(TunnelServer.PATH);
    }

    /** @return the refusal to send, or {@code null} when the request became a tunnel */
    FullHttpResponse serve(ChannelHandlerContext ctx, FullHttpRequest request, UserInfo user) {
        if (!request.method().equals(HttpMethod.GET)) {
            return StatusResponses.methodNotAllowed(request.method().name());
        }
        if (!user.name().startsWith(NODE_PREFIX) || !user.groups().contains("system:nodes")
                || user.name().length() == NODE_PREFIX.length()) {
            return StatusResponses.status(HttpResponseStatus.FORBIDDEN, "Forbidden", "user \"" + user.name()
                    + "\" cannot open a node tunnel: only a node's client certificate (system:node:<name> in "
                    + "system:nodes) can");
        }
        if (!WebSocketWatch.requested(request) || HttpsServerInitializer.connection(ctx.channel()) != ctx.channel()) {
            return StatusResponses.badRequest("Upgrade request required: the tunnel is a WebSocket over HTTP/1.1");
        }
        TunnelServer tunnels = server.get();
        if (tunnels == null) {
            return StatusResponses.status(HttpResponseStatus.SERVICE_UNAVAILABLE, "ServiceUnavailable",
                    "this server does not accept agent tunnels (the karst-tunnel feature is not running)");
        }
        String nodeName = user.name().substring(NODE_PREFIX.length());
        String url = "wss://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, null, false,
                MAX_MESSAGE_BYTES).newHandshaker(request);
        Channel channel = ctx.channel();
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(channel);
            return null;
        }
        handshaker.handshake(channel, request).addListener(done -> {
            if (!done.isSuccess()) {
                channel.close();
                return;
            }
            // a tunnel is never idle in the sense of the idle timeout: the agent pings it
            channel.attr(HttpsServerInitializer.OPEN_STREAMS).get().incrementAndGet();
            Link link = new Link(channel, handshaker);
            TunnelLink.Receiver receiver = tunnels.connected(nodeName, link);
            channel.pipeline().addLast("ws-aggregate", new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
            channel.pipeline().addLast("tunnel", new Frames(link, receiver));
            channel.closeFuture().addListener(f -> link.closed(receiver));
        });
        return null;
    }

    /** The transport side of one tunnel. */
    private static final class Link implements TunnelLink {
        private final Channel channel;
        private final WebSocketServerHandshaker handshaker;
        private final AtomicBoolean ended = new AtomicBoolean();

        Link(Channel channel, WebSocketServerHandshaker handshaker) {
            this.channel = channel;
            this.handshaker = handshaker;
        }

        @Override
        public void send(ByteBuffer message) {
            if (channel.isActive()) {
                channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message)));
            }
        }

        @Override
        public void close() {
            if (channel.isActive()) {
                channel.writeAndFlush(new CloseWebSocketFrame(1001, "server closing the tunnel"))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public String remoteAddress() {
            return String.valueOf(channel.remoteAddress());
        }

        void closed(TunnelLink.Receiver receiver) {
            if (ended.compareAndSet(false, true)) {
                receiver.closed();
            }
        }
    }

    /** Binary messages to the receiver; pings answered; a close frame ends the tunnel. */
    private static final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final Link link;
        private final TunnelLink.Receiver receiver;

        Frames(Link link, TunnelLink.Receiver receiver) {
            this.link = link;
            this.receiver = receiver;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof BinaryWebSocketFrame binary) {
                ByteBuffer message = ByteBuffer.allocate(binary.content().readableBytes());
                binary.content().readBytes(message);
                receiver.message(message.flip());
            } else if (frame instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (frame instanceof CloseWebSocketFrame close) {
                link.handshaker.close(ctx.channel(), close.retain());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
