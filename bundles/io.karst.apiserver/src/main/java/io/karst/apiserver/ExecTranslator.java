package io.karst.apiserver;

import java.util.HashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySessionHandler;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Exec and attach for a {@code v5.channel.k8s.io} WebSocket client (kubectl 1.30+) toward a runtime that speaks
 * SPDY ({@code v4.channel.k8s.io}), as upstream's API server translates them (its StreamTranslator): the API
 * server is a SPDY/3.1 client of the runtime and opens one stream per channel the session uses, each named by its
 * {@code streamType} header, in upstream's order (error, stdin, stdout, stderr, resize).
 *
 * <p>Client messages carry their channel in the first byte: 0 stdin and 4 resize go to their streams; 255 with a
 * channel number closes it, which for stdin is a FIN on the stdin stream, so the command sees its input end.
 * Runtime data comes back as messages on 1 stdout, 2 stderr and 3 error (the runtime's v4 Status JSON, which is
 * what v5 carries there too). The session ends when the runtime closes the connection: the client gets a normal
 * close after everything written before. Both directions hold back: runtime output waits while the client's
 * connection is not writable, client messages wait for the SPDY session's flow-control window.
 */
final class ExecTranslator {
    static final String PROTOCOL = "v5.channel.k8s.io";
    /** What the runtime is asked for over SPDY: the newest version containerd 1.6's streaming server speaks. */
    static final String RUNTIME_PROTOCOL = "v4.channel.k8s.io";

    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int ERROR = 3;
    private static final int RESIZE = 4;
    private static final int CLOSE = 255;
    private static final String[] STREAM_TYPES = {"stdin", "stdout", "stderr", "error", "resize"};

    private final Channel client;
    private final Channel runtime;
    /** SPDY stream id by v5 channel, and back. */
    private final int[] streamIds = {-1, -1, -1, -1, -1};
    private final Map<Integer, Integer> channels = new HashMap<>();

    private ExecTranslator(Channel client, Channel runtime) {
        this.client = client;
        this.runtime = runtime;
    }

    /**
     * Runs the translation on an upgraded runtime connection (auto-read off, SPDY bytes from {@code rest} on) and a
     * client whose WebSocket handshake is done; both are on one event loop.
     */
    static void start(Channel client, Channel runtime, ByteBuf rest, WebSocketServerHandshaker handshaker,
            boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        ExecTranslator t = new ExecTranslator(client, runtime);
        runtime.pipeline().addLast("spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
        runtime.pipeline().addLast("spdy-session", new SpdySessionHandler(SpdyVersion.SPDY_3_1, false));
        runtime.pipeline().addLast("translate", t.new FromRuntime());
        client.pipeline().addLast("translate", t.new FromClient(handshaker));
        client.closeFuture().addListener(f -> t.closeRuntime());
        // upstream's order of creation; the runtime waits for exactly the streams it was asked for
        int id = 1;
        id = t.open(ERROR, id);
        if (stdin) {
            id = t.open(STDIN, id);
        }
        if (stdout) {
            id = t.open(STDOUT, id);
        }
        if (stderr && !tty) {
            id = t.open(STDERR, id);
        }
        if (tty) {
            t.open(RESIZE, id);
        }
        runtime.flush();
        if (rest.isReadable()) {
            runtime.pipeline().fireChannelRead(rest);
            runtime.pipeline().fireChannelReadComplete();
        } else {
            rest.release();
        }
        runtime.config().setAutoRead(true);
        // the client is read one message at a time, the next once the runtime took the last (see FromClient)
        client.config().setAutoRead(false);
        client.read();
    }

    private int open(int channel, int id) {
        DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        syn.headers().set("streamtype", STREAM_TYPES[channel]);
        runtime.write(syn);
        streamIds[channel] = id;
        channels.put(id, channel);
        return id + 2;
    }

    /** Runtime frames to client messages. */
    private final class FromRuntime extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof SpdyDataFrame data) {
                    Integer channel = channels.get(data.streamId());
                    if (channel != null && data.content().isReadable()) {
                        ByteBuf message = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(new byte[] {channel
                                .byteValue()}), data.content().retain());
                        client.writeAndFlush(new BinaryWebSocketFrame(message));
                        if (!client.isWritable()) {
                            // a client reading slower than the command writes: stop reading until it catches up
                            runtime.config().setAutoRead(false);
                        }
                    }
                } else if (msg instanceof SpdyGoAwayFrame || msg instanceof SpdyRstStreamFrame
                        && ((SpdyRstStreamFrame) msg).streamId() == streamIds[ERROR]) {
                    // the runtime ended the session: everything it sent is already on its way to the client
                    closeRuntime();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (client.isActive()) {
                client.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeRuntime();
        }
    }

    /** Client messages to runtime streams. */
    private final class FromClient extends ChannelInboundHandlerAdapter {
        private final WebSocketServerHandshaker handshaker;
        /** The channel of a message whose later fragments are still coming, or -1. */
        private int fragmented = -1;

        FromClient(WebSocketServerHandshaker handshaker) {
            this.handshaker = handshaker;
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                runtime.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        /**
         * Passes one message on; the next is read once the SPDY session has written this one, which waits for the
         * runtime's flow-control window: a client sending stdin faster than the command reads it is held back.
         */
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ChannelFuture written = null;
            if (msg instanceof BinaryWebSocketFrame frame) {
                ByteBuf content = frame.content();
                if (content.isReadable()) {
                    int channel = content.readUnsignedByte();
                    fragmented = frame.isFinalFragment() ? -1 : channel;
                    written = toRuntime(channel, frame);
                } else {
                    frame.release();
                }
            } else if (msg instanceof ContinuationWebSocketFrame frame) {
                int channel = fragmented;
                if (frame.isFinalFragment()) {
                    fragmented = -1;
                }
                written = toRuntime(channel, frame);
            } else if (msg instanceof CloseWebSocketFrame close) {
                handshaker.close(ctx.channel(), close);
                closeRuntime();
                return;
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            } else {
                ReferenceCountUtil.release(msg);
            }
            if (written == null) {
                ctx.read();
            } else {
                written.addListener(f -> {
                    if (f.isSuccess()) {
                        ctx.read();
                    } else {
                        closeRuntime();
                    }
                });
            }
        }

        /** The runtime's write of the message's bytes, or null when there was nothing to pass on. */
        private ChannelFuture toRuntime(int channel, WebSocketFrame frame) {
            try {
                if (channel == CLOSE) {
                    if (frame.content().isReadable() && frame.content().readUnsignedByte() == STDIN
                            && streamIds[STDIN] > 0) {
                        DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(streamIds[STDIN]);
                        fin.setLast(true);
                        streamIds[STDIN] = -1;
                        return runtime.writeAndFlush(fin);
                    }
                    return null;
                }
                if ((channel == STDIN || channel == RESIZE) && streamIds[channel] > 0
                        && frame.content().isReadable()) {
                    return runtime.writeAndFlush(new DefaultSpdyDataFrame(streamIds[channel],
                            frame.content().retain()));
                }
                return null;
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeRuntime();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Closes the runtime connection at once: from below the session handler, which would otherwise send GOAWAY and
     * wait for streams that neither side will close any more.
     */
    private void closeRuntime() {
        ChannelHandlerContext codec = runtime.pipeline().context("spdy");
        if (codec != null) {
            codec.close();
        } else {
            runtime.close();
        }
    }
}
