package io.karst.apiserver;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.endpoint.ApiResponse;
import io.karst.apiserver.status.ApiException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * The client's side of {@code pods/exec}, {@code attach} and {@code portforward}: the upgrade the client asked for,
 * checked before the node is asked for a streaming URL, then carried out once the runtime has switched protocols.
 *
 * <ul>
 * <li>{@code Upgrade: SPDY/3.1} (kubectl up to 1.29, and later ones falling back): the runtime's {@code 101} is
 * passed on with the negotiated {@code X-Stream-Protocol-Version}, the HTTP codecs leave the pipeline and the bytes
 * flow both ways unchanged, as upstream's upgrade-aware proxy does.</li>
 * <li>A WebSocket offering {@code SPDY/3.1+portforward.k8s.io} (kubectl 1.31+ port-forward): upstream's tunneling
 * handler; the WebSocket's binary messages carry the SPDY bytes the runtime speaks.</li>
 * <li>A WebSocket for exec or attach ({@code v5.channel.k8s.io}, kubectl 1.30+): translated to SPDY toward the
 * runtime by {@link ExecTranslator}, as upstream's StreamTranslator does (relaying it to the runtime's own
 * WebSocket, {@code v4.channel.k8s.io}, would lose stdin's end). Without v5 on offer the upgrade is refused with
 * 400, and kubectl falls back to SPDY (it does on any failed upgrade).</li>
 * </ul>
 * Over HTTP/2 no upgrade is possible (kubectl asks for HTTP/1.1 for these); such a request is 400.
 */
final class StreamUpgrade {
    private static final String SPDY = "SPDY/3.1";
    /** The WebSocket subprotocol prefix of SPDY tunneled in binary messages (upstream's tunneling prefix). */
    private static final String TUNNELING_PREFIX = "SPDY/3.1+";
    private static final int MAX_FRAME = 1 << 20;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private enum Kind { SPDY, WEBSOCKET, NONE }

    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final ObjectCodec codec;
    private final Kind kind;
    private final List<String> protocols;
    /** The WebSocket subprotocols the client offered, all of them. */
    private final List<String> offered;
    private final AtomicBoolean released = new AtomicBoolean();

    /** Keeps the request until {@link #start} or {@link #release}; called on the event loop. */
    StreamUpgrade(ChannelHandlerContext ctx, FullHttpRequest request, ObjectCodec codec) {
        this.ctx = ctx;
        this.request = request.retain();
        this.codec = codec;
        boolean upgrade = request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE,
                true);
        String to = request.headers().get(HttpHeaderNames.UPGRADE, "");
        if (upgrade && to.equalsIgnoreCase(SPDY)) {
            kind = Kind.SPDY;
            protocols = values(request.headers().getAll("X-Stream-Protocol-Version"));
            offered = List.of();
        } else if (WebSocketWatch.requested(request)) {
            kind = Kind.WEBSOCKET;
            offered = values(request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
            List<String> tunneled = new ArrayList<>();
            for (String p : offered) {
                if (p.startsWith(TUNNELING_PREFIX) && p.endsWith(".k8s.io")) {
                    tunneled.add(p.substring(TUNNELING_PREFIX.length()));
                }
            }
            protocols = tunneled;
        } else {
            kind = Kind.NONE;
            protocols = List.of();
            offered = List.of();
        }
    }

    /** Comma-separated header values, trimmed, in order. */
    private static List<String> values(List<String> headers) {
        List<String> values = new ArrayList<>();
        for (String header : headers) {
            for (String v : header.split(",")) {
                if (!v.isBlank()) {
                    values.add(v.trim());
                }
            }
        }
        return values;
    }

    /** Refuses what cannot be carried out, before the node is asked (400 as upstream's proxy answers). */
    void check(String subresource) {
        if (ctx.channel() instanceof Http2StreamChannel) {
            throw ApiException.badRequest("Upgrade request required: " + subresource
                    + " needs an HTTP/1.1 connection (an HTTP/2 request cannot be upgraded)");
        }
        switch (kind) {
            case NONE -> throw ApiException.badRequest("Upgrade request required");
            case WEBSOCKET -> {
                if (!subresource.equals("portforward")) {
                    if (!offered.contains(ExecTranslator.PROTOCOL)) {
                        // kubectl falls back to SPDY on a refused upgrade
                        throw ApiException.badRequest("unable to upgrade: " + subresource + " over a WebSocket needs "
                                + "the subprotocol " + ExecTranslator.PROTOCOL + "; offered: " + offered);
                    }
                } else if (protocols.isEmpty()) {
                    throw ApiException.badRequest("unable to upgrade: no tunneling spdy protocols provided");
                }
            }
            case SPDY -> {
                // the runtime negotiates the stream protocol among the client's offers
            }
        }
    }

    void release() {
        if (released.compareAndSet(false, true)) {
            request.release();
        }
    }

    /** Dials the runtime and, once it has switched to SPDY, switches the client's connection too. */
    void start(ApiResponse.Connect connect) {
        Channel client = ctx.channel();
        boolean translated = kind == Kind.WEBSOCKET && !connect.subresource().equals("portforward");
        List<String> toRuntime = translated ? List.of(ExecTranslator.RUNTIME_PROTOCOL) : protocols;
        RuntimeStream.open(client, connect.location(), toRuntime, new RuntimeStream.Outcome() {
            @Override
            public void upgraded(Channel runtime, String protocol, ByteBuf rest) {
                if (!client.isActive()) {
                    rest.release();
                    runtime.close();
                    release();
                    return;
                }
                if (kind == Kind.SPDY) {
                    switchToSpdy(client, runtime, protocol, rest);
                } else if (translated) {
                    switchToTranslatedWebSocket(client, runtime, rest, connect);
                } else {
                    switchToWebSocket(client, runtime, protocol, rest);
                }
            }

            @Override
            public void refused(int code, String message) {
                release();
                FullHttpResponse failure = ResourceApi.failure(codec, new ApiException(code, "",
                        message, null));
                client.writeAndFlush(failure).addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    private void switchToSpdy(Channel client, Channel runtime, String protocol, ByteBuf rest) {
        release();
        ChannelPipeline p = client.pipeline();
        p.addLast("stream-relay", new ToRuntime(runtime));
        // from here the connection carries SPDY frames: the HTTP codecs and the request handler leave it
        for (var entry : List.copyOf(p.toMap().entrySet())) {
            if (entry.getValue() instanceof HttpServerCodec || entry.getValue() instanceof HttpObjectAggregator
                    || entry.getValue() instanceof HttpServerKeepAliveHandler) {
                p.remove(entry.getValue());
            }
        }
        if (p.context(ctx.handler()) != null) {
            p.remove(ctx.handler());
        }
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Upgrade: ").append(SPDY).append("\r\n");
        if (!protocol.isEmpty()) {
            head.append("X-Stream-Protocol-Version: ").append(protocol).append("\r\n");
        }
        head.append("Date: ").append(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n\r\n");
        client.write(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
        relay(client, runtime, rest, b -> b);
    }

    private void switchToWebSocket(Channel client, Channel runtime, String protocol, ByteBuf rest) {
        handshakeWebSocket(client, runtime, rest, protocol.isEmpty() ? null : TUNNELING_PREFIX + protocol,
                handshaker -> {
                    client.pipeline().addLast("stream-relay", new FramesToRuntime(runtime, handshaker));
                    relay(client, runtime, rest, BinaryWebSocketFrame::new);
                });
    }

    /** A v5 WebSocket exec or attach: the handshake, then {@link ExecTranslator} between it and the SPDY runtime. */
    private void switchToTranslatedWebSocket(Channel client, Channel runtime, ByteBuf rest,
            ApiResponse.Connect connect) {
        handshakeWebSocket(client, runtime, rest, ExecTranslator.PROTOCOL, handshaker -> {
            keepOpen(client);
            ExecTranslator.start(client, runtime, rest, handshaker, connect.tty(), connect.stdin(), connect.stdout(),
                    connect.stderr());
        });
    }

    /**
     * Answers the client's WebSocket upgrade with {@code subprotocol}, takes the HTTP handlers out of its pipeline
     * and hands the connection to {@code then}; a failed handshake closes both sides.
     */
    private void handshakeWebSocket(Channel client, Channel runtime, ByteBuf rest, String subprotocol,
            Consumer<WebSocketServerHandshaker> then) {
        String url = "wss://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, subprotocol, false,
                MAX_FRAME).newHandshaker(request);
        if (handshaker == null) {
            release();
            rest.release();
            runtime.close();
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(client);
            return;
        }
        try {
            handshaker.handshake(client, request).addListener(done -> {
                if (!done.isSuccess()) {
                    rest.release();
                    runtime.close();
                    client.close();
                    return;
                }
                ChannelPipeline p = client.pipeline();
                if (p.get(HttpServerKeepAliveHandler.class) != null) {
                    p.remove(HttpServerKeepAliveHandler.class);
                }
                if (p.context(ctx.handler()) != null) {
                    p.remove(ctx.handler());
                }
                then.accept(handshaker);
            });
        } finally {
            release();
        }
    }

    /** A quiet session (an idle shell, an unused forward) keeps its connection, as a watch does. */
    private static void keepOpen(Channel client) {
        AtomicInteger open = HttpsServerInitializer.connection(client).attr(HttpsServerInitializer.OPEN_STREAMS)
                .get();
        if (open != null) {
            open.incrementAndGet();
            client.closeFuture().addListener(f -> open.decrementAndGet());
        }
    }

    /** Starts both directions: reads resume as writes complete, so neither side outruns the other. */
    private static void relay(Channel client, Channel runtime, ByteBuf rest,
            java.util.function.Function<ByteBuf, Object> toClient) {
        keepOpen(client);
        client.config().setAutoRead(false);
        runtime.pipeline().addLast("stream-relay", new ToClient(client, toClient));
        client.closeFuture().addListener(f -> runtime.close());
        if (rest.isReadable()) {
            client.writeAndFlush(toClient.apply(rest));
        } else {
            rest.release();
            client.flush();
        }
        client.read();
        runtime.read();
    }

    /** The runtime's bytes to the client, raw or as binary messages. */
    private static final class ToClient extends ChannelInboundHandlerAdapter {
        private final Channel client;
        private final java.util.function.Function<ByteBuf, Object> wrap;

        ToClient(Channel client, java.util.function.Function<ByteBuf, Object> wrap) {
            this.client = client;
            this.wrap = wrap;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            client.writeAndFlush(wrap.apply((ByteBuf) msg)).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    ctx.channel().read();
                } else {
                    ctx.close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // the session ended on the runtime's side: whatever was written goes out, then the client is closed
            if (client.pipeline().get(FramesToRuntime.class) != null) {
                client.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
            } else {
                client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The client's raw bytes (SPDY frames) to the runtime. */
    private static final class ToRuntime extends ChannelInboundHandlerAdapter {
        private final Channel runtime;

        ToRuntime(Channel runtime) {
            this.runtime = runtime;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf bytes)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                ctx.read();
                return;
            }
            forward(ctx, runtime, bytes);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            runtime.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The client's binary messages (SPDY frames tunneled) to the runtime; close and ping answered here. */
    private static final class FramesToRuntime extends ChannelInboundHandlerAdapter {
        private final Channel runtime;
        private final WebSocketServerHandshaker handshaker;

        FramesToRuntime(Channel runtime, WebSocketServerHandshaker handshaker) {
            this.runtime = runtime;
            this.handshaker = handshaker;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
                forward(ctx, runtime, ((WebSocketFrame) msg).content());
            } else if (msg instanceof CloseWebSocketFrame close) {
                handshaker.close(ctx.channel(), close);
                runtime.close();
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
                ctx.read();
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
                ctx.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            runtime.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static void forward(ChannelHandlerContext ctx, Channel runtime, ByteBuf bytes) {
        runtime.writeAndFlush(bytes).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                ctx.channel().read();
            } else {
                ctx.close();
            }
        });
    }
}
