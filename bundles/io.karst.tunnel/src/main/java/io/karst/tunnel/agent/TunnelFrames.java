package io.karst.tunnel.agent;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of one tunnel connection: it tells its {@link Events} when the WebSocket handshake completed,
 * hands on each whole binary message (continuation frames are joined before it), notes that the server is alive on
 * every frame, and says once, when the connection ends, why it ended. It also lets writers outside the event loop
 * wait while the connection's outbound buffer is above its high water mark.
 */
final class TunnelFrames extends ChannelInboundHandlerAdapter {
    /** What a connection reports to its tunnel; called on the event loop. */
    interface Events {
        void opened(Channel channel);

        void heard();

        void message(ByteBuffer message);

        /**
         * The connection is gone; called once.
         *
         * @param opened      whether the handshake had completed
         * @param serverClose the server's close code and reason when it closed the WebSocket, else null
         * @param failure     what failed otherwise (the root cause's message)
         */
        void ended(boolean opened, String serverClose, String failure);
    }

    private final Events events;
    private boolean opened;
    private String closeReason;
    private Throwable failure;

    TunnelFrames(Events events) {
        this.events = events;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            opened = true;
            events.opened(ctx.channel());
        } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            failed(new IOException("the WebSocket handshake timed out"));
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof WebSocketFrame)) {
                return;
            }
            events.heard();
            if (msg instanceof BinaryWebSocketFrame binary) {
                ByteBuffer message = ByteBuffer.allocate(binary.content().readableBytes());
                binary.content().readBytes(message);
                events.message(message.flip());
            } else if (msg instanceof CloseWebSocketFrame close) {
                String reason = close.reasonText();
                closeReason = close.statusCode() + (reason == null || reason.isEmpty() ? "" : " " + reason);
                // answer the close as the protocol asks, then end the connection
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), null))
                        .addListener(f -> ctx.close());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failed(cause);
        ctx.close();
    }

    /** Records why the connection is about to be closed (the first reason wins). */
    void failed(Throwable cause) {
        if (failure == null && closeReason == null) {
            failure = cause;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        synchronized (this) {
            notifyAll();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        synchronized (this) {
            notifyAll();
        }
        events.ended(opened, closeReason, failure != null ? rootMessage(failure) : "the connection closed");
        super.channelInactive(ctx);
    }

    /**
     * Blocks a writer (never the event loop) while the channel is open and its outbound buffer is above the high
     * water mark, so a producer faster than the link (kubectl logs -f, port forwarding) waits instead of queueing.
     */
    void awaitWritable(Channel channel) {
        if (channel.eventLoop().inEventLoop()) {
            return;
        }
        synchronized (this) {
            while (channel.isActive() && !channel.isWritable()) {
                try {
                    // woken by channelWritabilityChanged; the timeout only guards against a missed wake-up
                    wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
