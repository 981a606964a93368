package io.karst.kubelet.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import io.karst.grpc.wire.MessageFraming;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * A gRPC health server for tests, written against the wire format (grpc-services is not in the local
 * repository): plaintext HTTP/2, {@code grpc.health.v1.Health/Check} answering each service's status as
 * grpc-java's HealthStatusManager does ({@code NOT_FOUND "unknown service"} for one it does not know), or
 * {@code UNIMPLEMENTED} for every method when the health service is switched off. It records what it was asked.
 */
final class HealthServer implements AutoCloseable {
    /** What one call carried. */
    record Call(String path, String service, Map<String, String> headers) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    volatile boolean healthImplemented = true;
    volatile long delayMillis;

    /** Answers every call with HTTP 404 text/plain, as an HTTP/2 server that is not a gRPC server. */
    volatile boolean notGrpc;

    /** Sends the status gzipped: with {@code grpc-encoding: gzip}, or (false) with the compressed flag alone. */
    volatile Boolean gzip;

    /** Answers every call by resetting its stream with this HTTP/2 error code. */
    volatile Long resetWith;

    HealthServer() throws InterruptedException {
        this(0);
    }

    HealthServer(int port) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new CallHandler());
                                    }
                                }));
                    }
                }).bind("127.0.0.1", port).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Sets a service's status: 0 UNKNOWN, 1 SERVING, 2 NOT_SERVING, 3 SERVICE_UNKNOWN. */
    void set(String service, int status) {
        statuses.put(service, status);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class CallHandler extends ChannelInboundHandlerAdapter {
        private Http2Headers request;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = false;
                if (msg instanceof Http2HeadersFrame frame) {
                    request = frame.headers();
                    end = frame.isEndStream();
                } else if (msg instanceof Http2DataFrame frame) {
                    ByteBuf content = frame.content();
                    byte[] bytes = new byte[content.readableBytes()];
                    content.readBytes(bytes);
                    body.writeBytes(bytes);
                    end = frame.isEndStream();
                }
                if (end) {
                    if (delayMillis > 0) {
                        ctx.executor().schedule(() -> answer(ctx), delayMillis, TimeUnit.MILLISECONDS);
                    } else {
                        answer(ctx);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void answer(ChannelHandlerContext ctx) {
            String service = service(body.toByteArray());
            Map<String, String> headers = new ConcurrentHashMap<>();
            request.forEach(h -> headers.put(h.getKey().toString(), h.getValue().toString()));
            String path = request.path().toString();
            calls.add(new Call(path, service, headers));
            Long reset = resetWith;
            if (reset != null) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(reset));
                return;
            }
            if (notGrpc) {
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("404")
                        .add("content-type", "text/plain")));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("not found", StandardCharsets.UTF_8),
                        true));
                return;
            }
            if (!healthImplemented || !path.equals(GrpcProber.METHOD_PATH)) {
                trailersOnly(ctx, 12, "unknown service grpc.health.v1.Health");
                return;
            }
            Integer status = statuses.get(service);
            if (status == null) {
                trailersOnly(ctx, 5, "unknown service");
                return;
            }
            Http2Headers response = new DefaultHttp2Headers().status("200").add("content-type", "application/grpc");
            Boolean gzipped = gzip;
            if (Boolean.TRUE.equals(gzipped)) {
                response.add("grpc-encoding", "gzip");
            }
            ctx.write(new DefaultHttp2HeadersFrame(response));
            // HealthCheckResponse: field 1 varint, the status (proto3 leaves out 0)
            byte[] message = status == 0 ? new byte[0] : new byte[] {0x08, (byte) (int) status};
            byte[] framed = MessageFraming.frame(gzipped == null ? message : gzip(message));
            framed[0] = (byte) (gzipped == null ? 0 : 1);
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(framed)));
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("grpc-status", "0"), true));
        }

        private void trailersOnly(ChannelHandlerContext ctx, int code, String message) {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .add("content-type", "application/grpc").add("grpc-status", String.valueOf(code))
                    .add("grpc-message", message.replace(" ", "%20")), true));
        }
    }

    private static byte[] gzip(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The {@code service} of a framed HealthCheckRequest (a test double: one field, short names only). */
    static String service(byte[] framed) {
        if (framed.length <= 5) {
            return "";
        }
        if (framed[5] != 0x0A) {
            throw new IllegalArgumentException("not a HealthCheckRequest");
        }
        return new String(framed, 7, framed[6], StandardCharsets.UTF_8);
    }
}
