package io.karst.apiserver;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The API server's side of a connection to a runtime's streaming URL (containerd's CRI streaming server), as
 * upstream's upgrade-aware proxy dials the kubelet: a TCP connection, an HTTP/1.1 upgrade request to
 * {@code SPDY/3.1} with the client's {@code X-Stream-Protocol-Version} offers, then the runtime's answer: on
 * {@code 101 Switching Protocols} the connection carries SPDY frames and is handed to the caller with the
 * negotiated protocol and any bytes that came after the response head; any other answer is reported with its
 * status code and body text.
 *
 * <p>The connection runs on the client connection's event loop, with auto-read off until the caller relays it.
 */
final class RuntimeStream {
    /** Bytes of a runtime's response head or error body read at most. */
    private static final int MAX_HEAD = 64 * 1024;

    /** What the runtime answered. */
    interface Outcome {
        /**
         * The runtime switched to SPDY: {@code channel} (auto-read off) carries its frames from now on.
         *
         * @param protocol the negotiated {@code X-Stream-Protocol-Version}, empty when none was
         * @param rest bytes that followed the response head (owned by the callee)
         */
        void upgraded(Channel channel, String protocol, ByteBuf rest);

        /** The runtime refused ({@code code} is its HTTP status, 502 when it could not be reached). */
        void refused(int code, String message);
    }

    private RuntimeStream() {
    }

    /**
     * Dials {@code location} from {@code client}'s event loop and asks for an upgrade to {@code SPDY/3.1}.
     *
     * @param protocols the stream protocol versions the client offers, in its order
     */
    static void open(Channel client, URI location, List<String> protocols, Outcome outcome) {
        String host = location.getHost();
        int port = location.getPort() > 0 ? location.getPort() : 80;
        if (!"http".equalsIgnoreCase(location.getScheme())) {
            // containerd serves plain HTTP on loopback; TLS streaming servers are not supported yet
            outcome.refused(502, "unsupported streaming URL scheme: " + location);
            return;
        }
        String path = location.getRawPath() == null || location.getRawPath().isEmpty() ? "/" : location.getRawPath();
        if (location.getRawQuery() != null) {
            path += "?" + location.getRawQuery();
        }
        StringBuilder request = new StringBuilder()
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Upgrade: SPDY/3.1\r\n");
        for (String protocol : protocols) {
            request.append("X-Stream-Protocol-Version: ").append(protocol).append("\r\n");
        }
        request.append("Content-Length: 0\r\n\r\n");
        ByteBuf bytes = Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1);
        new Bootstrap().group(client.eventLoop())
                .channel(client instanceof EpollSocketChannel ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ResponseHead(outcome))
                .connect(host, port).addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        bytes.release();
                        outcome.refused(502, "error dialing the container runtime's streaming server at " + host
                                + ":" + port + ": " + connected.cause().getMessage());
                        return;
                    }
                    connected.channel().writeAndFlush(bytes);
                    connected.channel().read();
                });
    }

    /** Reads the runtime's response head (and, for a refusal, its body), then gets out of the way. */
    private static final class ResponseHead extends ChannelInboundHandlerAdapter {
        private final Outcome outcome;
        private ByteBuf buffer;
        private int status;
        private String reason = "";
        private Map<String, String> headers;
        private int headLength;
        private boolean done;

        ResponseHead(Outcome outcome) {
            this.outcome = outcome;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            buffer = ctx.alloc().buffer();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (!done) {
                    buffer.writeBytes(in);
                }
            } finally {
                in.release();
            }
            if (done) {
                return;
            }
            if (headers == null) {
                int end = headEnd(buffer);
                if (end < 0) {
                    if (buffer.readableBytes() > MAX_HEAD) {
                        finish(ctx, () -> outcome.refused(502, "the container runtime's response head is too long"));
                    } else {
                        ctx.read();
                    }
                    return;
                }
                parseHead(buffer.toString(0, end, StandardCharsets.ISO_8859_1));
                headLength = end;
                if (status == 101) {
                    String protocol = headers.getOrDefault("x-stream-protocol-version", "");
                    ByteBuf rest = buffer.retainedSlice(end, buffer.readableBytes() - end);
                    done = true;
                    buffer.release();
                    ctx.pipeline().remove(this);
                    outcome.upgraded(ctx.channel(), protocol, rest);
                    return;
                }
            }
            String length = headers.get("content-length");
            if (length != null && buffer.readableBytes() - headLength >= Integer.parseInt(length.trim())) {
                refuse(ctx);
            } else if (buffer.readableBytes() > MAX_HEAD) {
                refuse(ctx);
            } else {
                ctx.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done) {
                if (headers == null) {
                    finish(ctx, () -> outcome.refused(502, "the container runtime closed the streaming connection"
                            + " before answering"));
                } else {
                    refuse(ctx);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!done) {
                finish(ctx, () -> outcome.refused(502, "the container runtime's streaming connection failed: "
                        + cause.getMessage()));
            } else {
                ctx.close();
            }
        }

        private void refuse(ChannelHandlerContext ctx) {
            String body = buffer.toString(headLength, buffer.readableBytes() - headLength, StandardCharsets.UTF_8)
                    .trim();
            String message = body.isEmpty() ? status + " " + reason : body;
            finish(ctx, () -> outcome.refused(status, message));
        }

        private void finish(ChannelHandlerContext ctx, Runnable report) {
            done = true;
            buffer.release();
            ctx.close();
            report.run();
        }

        private void parseHead(String head) {
            String[] lines = head.split("\r?\n");
            String[] statusLine = lines[0].split(" ", 3);
            try {
                status = Integer.parseInt(statusLine[1]);
            } catch (RuntimeException e) {
                status = 502;
            }
            reason = statusLine.length > 2 ? statusLine[2] : "";
            headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
        }

        /** The index just past the blank line ending the head (CRLF CRLF, or LF LF as Go tolerates), or -1. */
        private static int headEnd(ByteBuf buffer) {
            int n = buffer.readableBytes();
            for (int i = 0; i < n - 1; i++) {
                if (buffer.getByte(i) == '\n') {
                    if (buffer.getByte(i + 1) == '\n') {
                        return i + 2;
                    }
                    if (i + 2 < n && buffer.getByte(i + 1) == '\r' && buffer.getByte(i + 2) == '\n') {
                        return i + 3;
                    }
                }
            }
            return -1;
        }
    }
}
