package io.karst.apiserver;

import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.endpoint.StreamWriter;
import io.karst.apiserver.endpoint.WatchFrame;
import io.karst.apiserver.endpoint.WatchSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * A watch over a WebSocket, as kube-apiserver serves one to clients that ask with {@code Upgrade: websocket}: the
 * same events as the chunked stream, one JSON text message each; the watch ends when either side closes.
 */
final class WebSocketWatch {
    /** Event messages held while the client is not reading before the watch is ended. */
    private static final int MAX_QUEUED = 2000;

    private final FullHttpRequest request;
    private final ObjectCodec codec;
    private final AtomicBoolean released = new AtomicBoolean();

    /** Keeps the request until the handshake answers it; {@link #release()} or {@link #start} frees it. */
    WebSocketWatch(FullHttpRequest request, ObjectCodec codec) {
        this.request = request.retain();
        this.codec = codec;
    }

    static boolean requested(FullHttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && request.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    void release() {
        if (released.compareAndSet(false, true)) {
            request.release();
        }
    }

    void start(ChannelHandlerContext ctx, WatchSession session) {
        String url = "wss://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url,
                request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL), false, 1 << 20)
                .newHandshaker(request);
        Channel channel = ctx.channel();
        if (handshaker == null) {
            release();
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(channel);
            return;
        }
        try {
            handshaker.handshake(channel, request).addListener(done -> {
                if (done.isSuccess()) {
                    // Client frames (close, ping) are answered by the handshaker; nothing else is read.
                    channel.pipeline().addLast("ws-control", new WebSocketControl(handshaker));
                    session.start(new Messages(channel, codec));
                } else {
                    channel.close();
                }
            });
        } finally {
            release();
        }
    }

    /** Answers the client's close and ping frames; a client's data frames have no meaning on a watch. */
    private static final class WebSocketControl extends io.netty.channel.SimpleChannelInboundHandler<
            io.netty.handler.codec.http.websocketx.WebSocketFrame> {
        private final WebSocketServerHandshaker handshaker;

        WebSocketControl(WebSocketServerHandshaker handshaker) {
            this.handshaker = handshaker;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx,
                io.netty.handler.codec.http.websocketx.WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                handshaker.close(ctx.channel(), close.retain());
            } else if (frame instanceof io.netty.handler.codec.http.websocketx.PingWebSocketFrame ping) {
                ctx.writeAndFlush(new io.netty.handler.codec.http.websocketx.PongWebSocketFrame(
                        ping.content().retain()));
            }
        }
    }

    /** The session's writer: one text message per event. */
    private static final class Messages implements StreamWriter {
        private final Channel channel;
        private final ObjectCodec codec;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();

        Messages(Channel channel, ObjectCodec codec) {
            this.channel = channel;
            this.codec = codec;
        }

        @Override
        public boolean write(WatchFrame frame) {
            if (ended.get() || !channel.isActive() || (!channel.isWritable() && queued.get() > MAX_QUEUED)) {
                return false;
            }
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            event.put("type", frame.type());
            event.set("object", frame.object());
            queued.incrementAndGet();
            CoalescedFlush.write(channel, new TextWebSocketFrame(io.netty.buffer.Unpooled.wrappedBuffer(
                    codec.encodeJson(event))), queued::decrementAndGet);
            return true;
        }

        @Override
        public void end() {
            if (ended.compareAndSet(false, true) && channel.isActive()) {
                channel.writeAndFlush(new CloseWebSocketFrame(1000, "watch ended"))
                        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void onClose(Runnable action) {
            channel.closeFuture().addListener(f -> action.run());
        }
    }
}
