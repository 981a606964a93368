package io.karst.kubelet.probe;

import static io.karst.grpc.wire.StatusCodes.CANCELLED;
import static io.karst.grpc.wire.StatusCodes.DEADLINE_EXCEEDED;
import static io.karst.grpc.wire.StatusCodes.INTERNAL;
import static io.karst.grpc.wire.StatusCodes.OK;
import static io.karst.grpc.wire.StatusCodes.PERMISSION_DENIED;
import static io.karst.grpc.wire.StatusCodes.RESOURCE_EXHAUSTED;
import static io.karst.grpc.wire.StatusCodes.UNAVAILABLE;
import static io.karst.grpc.wire.StatusCodes.UNIMPLEMENTED;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.karst.grpc.wire.GrpcHeaders;
import io.karst.grpc.wire.MalformedMessageException;
import io.karst.grpc.wire.MessageFraming;
import io.karst.grpc.wire.StatusCodes;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;

/**
 * The gRPC probe, as upstream's: one call of the gRPC Health Checking Protocol ({@code grpc.health.v1.Health/Check})
 * in plaintext HTTP/2 (prior knowledge, no TLS) on a connection of its own, closed afterwards; it passes only when
 * the answer is {@code SERVING}. Like grpc-go's blocking dial, a connection that fails (refused, or not speaking
 * HTTP/2) is retried with grpc-go's backoff (1s, then 1.6 times longer) and ends in upstream's connect-timeout
 * message; when the next attempt would start after the timeout the probe gives up at once instead of holding a
 * probe thread until it.
 * The two one-field protobuf messages are written and read by hand, so the kubelet needs Netty's HTTP/2 codec and
 * not grpc-java; gRPC's framing, headers and status codes are io.karst.grpc.wire's, which the CRI client uses too.
 */
final class GrpcProber {
    static final String METHOD_PATH = "/grpc.health.v1.Health/Check";

    /** grpc.health.v1.HealthCheckResponse.ServingStatus, by number. */
    private static final String[] SERVING_STATUS = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
    private static final int SERVING = 1;

    /** grpc-go's default connection backoff: 1s, times 1.6 per attempt. */
    private static final long FIRST_BACKOFF_MILLIS = 1000;

    private final EventLoopGroup group;
    private final String userAgent;

    GrpcProber(EventLoopGroup group, String userAgent) {
        this.group = group;
        this.userAgent = userAgent;
    }

    /** The status a call ended with, and the response message when it ended OK. */
    record Reply(int code, String message, byte[] body) {
    }

    Prober.Result probe(String host, int port, String service, Duration timeout) {
        String addr = joinHostPort(host == null ? "" : host, port);
        if (host == null || host.isEmpty() || port < 1 || port > 65535) {
            return new Prober.Result(false, "error: failed to connect service at " + quote(addr)
                    + ": no pod IP or an invalid port");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Channel channel;
        try {
            channel = connect(host, port, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Prober.Result(false, "error: failed to connect service at " + quote(addr) + ": interrupted");
        } catch (RuntimeException e) {
            // e.g. the event loop already shut down while the kubelet stops
            return new Prober.Result(false, "error: failed to connect service at " + quote(addr) + ": " + e);
        }
        if (channel == null) {
            return new Prober.Result(false, "timeout: failed to connect service " + quote(addr) + " within "
                    + goDuration(timeout) + ": context deadline exceeded");
        }
        try {
            Reply reply = call(channel, addr, service, deadline);
            if (reply.code() == DEADLINE_EXCEEDED) {
                return new Prober.Result(false, "timeout: health rpc did not complete within " + goDuration(timeout));
            }
            if (reply.code() == UNIMPLEMENTED) {
                return new Prober.Result(false,
                        "error: this server does not implement the grpc health protocol (grpc.health.v1.Health): "
                                + reply.message());
            }
            if (reply.code() != OK) {
                return new Prober.Result(false, "error: health rpc probe failed: " + rpcError(reply.code(),
                        reply.message()));
            }
            int status;
            try {
                status = servingStatus(reply.body());
            } catch (IllegalArgumentException e) {
                return new Prober.Result(false, "error: health rpc probe failed: " + rpcError(INTERNAL,
                        e.getMessage()));
            }
            if (status != SERVING) {
                return new Prober.Result(false, "service unhealthy (responded with " + quote(statusName(status))
                        + ")");
            }
            return new Prober.Result(true, "service healthy");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Prober.Result(false, "error: health rpc probe failed: " + rpcError(CANCELLED,
                    "interrupted"));
        } finally {
            channel.close();
        }
    }

    /**
     * A connection whose server has sent its HTTP/2 SETTINGS (grpc-go's READY), or null once the deadline passed;
     * failed attempts are retried after grpc-go's backoff.
     */
    private Channel connect(String host, int port, long deadline) throws InterruptedException {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            long attemptStart = System.nanoTime();
            long left = deadline - attemptStart;
            if (left <= 0) {
                return null;
            }
            CompletableFuture<Void> ready = new CompletableFuture<>();
            ChannelFuture connected = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                    new ServerReady(ready));
                        }
                    }).connect(host, port);
            connected.addListener(f -> {
                if (!f.isSuccess()) {
                    ready.completeExceptionally(f.cause());
                }
            });
            try {
                ready.get(left, TimeUnit.NANOSECONDS);
                return connected.channel();
            } catch (TimeoutException e) {
                connected.channel().close();
                return null;
            } catch (ExecutionException e) {
                connected.channel().close();
            }
            long wait = TimeUnit.MILLISECONDS.toNanos(backoff) - (System.nanoTime() - attemptStart);
            if (System.nanoTime() + wait >= deadline) {
                return null;
            }
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            backoff = (long) (backoff * 1.6);
        }
    }

    private Reply call(Channel channel, String authority, String service, long deadline)
            throws InterruptedException {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        Http2StreamChannel stream;
        try {
            stream = new Http2StreamChannelBootstrap(channel).handler(new ReplyReader(reply)).open()
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new Reply(DEADLINE_EXCEEDED, "context deadline exceeded", null);
        } catch (ExecutionException e) {
            return new Reply(UNAVAILABLE, String.valueOf(e.getCause().getMessage()), null);
        }
        Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http").path(METHOD_PATH)
                .authority(authority);
        headers.add("content-type", "application/grpc");
        headers.add("te", "trailers");
        headers.add("user-agent", userAgent);
        headers.add("grpc-timeout", GrpcHeaders.timeout(deadline - System.nanoTime()));
        stream.write(new DefaultHttp2HeadersFrame(headers, false));
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(MessageFraming.frame(request(service))),
                true));
        try {
            return reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new Reply(DEADLINE_EXCEEDED, "context deadline exceeded", null);
        } catch (ExecutionException e) {
            return new Reply(UNAVAILABLE, String.valueOf(e.getCause().getMessage()), null);
        } finally {
            stream.close();
        }
    }

    /** Completes when the server's first SETTINGS frame arrives; fails when the connection goes first. */
    private static final class ServerReady extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Void> ready;

        ServerReady(CompletableFuture<Void> ready) {
            this.ready = ready;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2SettingsFrame) {
                ready.complete(null);
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ready.completeExceptionally(new IOException("connection closed before the server's HTTP/2 settings"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ready.completeExceptionally(cause);
            ctx.close();
        }
    }

    /** Reads one call's answer: headers, the message, trailers (or a trailers-only answer), or a reset. */
    private static final class ReplyReader extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Reply> reply;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private boolean headersSeen;
        private String encoding;

        ReplyReader(CompletableFuture<Reply> reply) {
            this.reply = reply;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame frame) {
                    headers(frame.headers(), frame.isEndStream());
                } else if (msg instanceof Http2DataFrame frame) {
                    ByteBuf content = frame.content();
                    byte[] bytes = new byte[content.readableBytes()];
                    content.readBytes(bytes);
                    body.writeBytes(bytes);
                    if (frame.isEndStream()) {
                        reply.complete(new Reply(INTERNAL, "server closed the stream without sending trailers",
                                null));
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            // Netty hands a received RST_STREAM to the stream's channel as an event, not as a read
            if (event instanceof Http2ResetFrame reset) {
                Http2Error error = Http2Error.valueOf(reset.errorCode());
                reply.complete(new Reply(resetCode(error), "stream terminated by RST_STREAM with error code: "
                        + (error == null ? String.valueOf(reset.errorCode()) : error.name()), null));
            }
            ctx.fireUserEventTriggered(event);
        }

        private void headers(Http2Headers headers, boolean endStream) {
            if (!headersSeen) {
                headersSeen = true;
                CharSequence status = headers.status();
                CharSequence contentType = headers.get("content-type");
                boolean grpc = contentType != null && contentType.toString().startsWith("application/grpc");
                int http = status == null ? 0 : Integer.parseInt(status.toString());
                if (http != 200 || !grpc) {
                    String message = "unexpected HTTP status code received from server: " + http + " ("
                            + HttpResponseStatus.valueOf(http).reasonPhrase() + ")";
                    if (!grpc) {
                        message += "; transport: received unexpected content-type "
                                + quote(contentType == null ? "" : contentType.toString());
                    }
                    reply.complete(new Reply(StatusCodes.forHttpStatus(http), message, null));
                    return;
                }
                CharSequence enc = headers.get("grpc-encoding");
                encoding = enc == null ? null : enc.toString();
            }
            if (!endStream) {
                return;
            }
            CharSequence code = headers.get("grpc-status");
            if (code == null) {
                reply.complete(new Reply(INTERNAL, "server closed the stream without sending trailers", null));
                return;
            }
            CharSequence message = headers.get("grpc-message");
            int parsed;
            try {
                parsed = Integer.parseInt(code.toString());
            } catch (NumberFormatException e) {
                reply.complete(new Reply(INTERNAL, "transport: malformed grpc-status: " + code, null));
                return;
            }
            byte[] message0 = null;
            if (parsed == OK) {
                try {
                    // gzip is the only compression understood
                    message0 = MessageFraming.unframe(body.toByteArray(), "gzip".equals(encoding));
                } catch (MalformedMessageException e) {
                    reply.complete(new Reply(INTERNAL, malformed(e), null));
                    return;
                }
            }
            reply.complete(new Reply(parsed, message == null ? "" : GrpcHeaders.decodeMessage(message.toString()),
                    message0));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            reply.complete(new Reply(UNAVAILABLE, "error reading from server: EOF", null));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            reply.complete(new Reply(UNAVAILABLE, String.valueOf(cause.getMessage()), null));
            ctx.close();
        }
    }

    /** grpc-go's words for a reply body that is not one message. */
    private static String malformed(MalformedMessageException e) {
        return switch (e.reason()) {
            case NO_MESSAGE -> "cardinality violation: received no response message from non-server-streaming RPC";
            case TRUNCATED -> "grpc: received a truncated message";
            case MORE_THAN_ONE ->
                "cardinality violation: expected <EOF> for non server-streaming RPCs, but received another message";
            case COMPRESSED -> "grpc: compressed flag set with identity or empty encoding";
            // the JDK's reason, as the probe said before
            case BAD_GZIP -> e.getCause().getMessage();
        };
    }

    /** grpc-go's reading of a stream reset. */
    private static int resetCode(Http2Error error) {
        if (error == null) {
            return INTERNAL;
        }
        return switch (error) {
            case REFUSED_STREAM -> UNAVAILABLE;
            case CANCEL -> CANCELLED;
            case ENHANCE_YOUR_CALM -> RESOURCE_EXHAUSTED;
            case INADEQUATE_SECURITY -> PERMISSION_DENIED;
            default -> INTERNAL;
        };
    }

    /** HealthCheckRequest: field 1, string {@code service}; proto3 leaves out an empty one. */
    static byte[] request(String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x0A); // field 1, length-delimited
        writeVarint(out, name.length);
        out.writeBytes(name);
        return out.toByteArray();
    }

    /** The {@code status} (field 1, an enum) of a HealthCheckResponse; other fields are skipped. */
    static int servingStatus(byte[] message) {
        int[] at = {0};
        int status = 0;
        while (at[0] < message.length) {
            long tag = readVarint(message, at);
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            switch (wireType) {
                case 0 -> {
                    long value = readVarint(message, at);
                    if (field == 1) {
                        status = (int) value;
                    }
                }
                case 1 -> at[0] += 8;
                case 2 -> {
                    int length = (int) readVarint(message, at);
                    at[0] += length;
                }
                case 5 -> at[0] += 4;
                default -> throw new IllegalArgumentException("grpc: failed to unmarshal the received message: "
                        + "wire type " + wireType);
            }
            if (at[0] > message.length) {
                throw new IllegalArgumentException("grpc: failed to unmarshal the received message: truncated");
            }
        }
        return status;
    }

    /** The ServingStatus name, or the number for one this protocol version does not know (as protobuf-go). */
    static String statusName(int status) {
        return status >= 0 && status < SERVING_STATUS.length ? SERVING_STATUS[status] : String.valueOf(status);
    }

    /** grpc-go's error text: {@code rpc error: code = NotFound desc = unknown service}. */
    static String rpcError(int code, String message) {
        return "rpc error: code = " + StatusCodes.goName(code) + " desc = " + message;
    }

    /** Go's {@code %v} of a whole number of seconds: 1s, 1m30s, 1h0m0s. */
    static String goDuration(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + s % 60 + "s";
        }
        return s / 3600 + "h" + s % 3600 / 60 + "m" + s % 60 + "s";
    }

    /** Go's {@code %q} of a plain string. */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String joinHostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static long readVarint(byte[] in, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= in.length) {
                throw new IllegalArgumentException("grpc: failed to unmarshal the received message: truncated");
            }
            byte b = in[at[0]++];
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("grpc: failed to unmarshal the received message: bad varint");
    }
}
