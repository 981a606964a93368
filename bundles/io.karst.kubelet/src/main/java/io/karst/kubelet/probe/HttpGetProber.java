package io.karst.kubelet.probe;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;

/**
 * The HTTP(S) GET probe, as upstream's: one request on a connection of its own, closed afterwards (upstream
 * disables keep-alive), {@code User-Agent: kube-probe/<version>} and {@code Accept: *}{@code /*} unless the probe sets
 * its own, redirects not followed (a 3xx passes), HTTPS without certificate checks, the probe's timeout over
 * the whole exchange. Only the status line and headers are read: the outcome is the status code's, so a large body
 * is neither waited for nor buffered.
 */
final class HttpGetProber {
    /** The most the response's status line and headers may take: Netty's default, ample for a health check. */
    private static final int MAX_HEADER_BYTES = 8192;

    private final EventLoopGroup group;
    private final String userAgent;
    /** Made on the first HTTPS probe: most pods probe over plain HTTP or not at all. */
    private volatile SslContext insecureTls;

    HttpGetProber(EventLoopGroup group, String userAgent) {
        this.group = group;
        this.userAgent = userAgent;
    }

    /**
     * @param headers the probe's {@code httpHeaders}, in order; a later one of the same name replaces an earlier
     */
    Prober.Result probe(String scheme, String host, int port, String path, List<Map.Entry<String, String>> headers,
            Duration timeout) {
        String authority = GrpcProber.joinHostPort(host, port);
        String url = scheme + "://" + authority + (path.startsWith("/") ? path : "/" + path);
        URI uri;
        try {
            uri = URI.create(url);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("invalid port " + port);
            }
        } catch (IllegalArgumentException e) {
            return new Prober.Result(false, "Get \"" + url + "\": " + e.getMessage());
        }
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        request.headers().set(HttpHeaderNames.HOST, authority).set(HttpHeaderNames.USER_AGENT, userAgent)
                .set(HttpHeaderNames.ACCEPT, "*/*");
        for (Map.Entry<String, String> header : headers) {
            request.headers().set(header.getKey(), header.getValue());
        }
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);

        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        ChannelFuture connected;
        try {
            SslContext tls = scheme.equals("https") ? insecureTls() : null;
            connected = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port));
                            }
                            ch.pipeline().addLast(new HttpClientCodec(4096, MAX_HEADER_BYTES, 8192),
                                    new StatusReader(status));
                        }
                    }).connect(host, port);
        } catch (SSLException | RuntimeException e) {
            request.release();
            // e.g. the event loop already shut down while the kubelet stops
            return new Prober.Result(false, "Get \"" + url + "\": " + e.getMessage());
        }
        connected.addListener(f -> {
            if (f.isSuccess()) {
                connected.channel().writeAndFlush(request).addListener(written -> {
                    if (!written.isSuccess()) {
                        status.completeExceptionally(written.cause());
                    }
                });
            } else {
                request.release();
                status.completeExceptionally(f.cause());
            }
        });
        Channel channel = connected.channel();
        try {
            int code = status.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (code >= 200 && code < 400) {
                return new Prober.Result(true, "");
            }
            return new Prober.Result(false, "HTTP probe failed with statuscode: " + code);
        } catch (TimeoutException e) {
            return new Prober.Result(false, "Get \"" + url
                    + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        } catch (ExecutionException e) {
            return new Prober.Result(false, "Get \"" + url + "\": " + failure(e.getCause(), authority));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Prober.Result(false, "interrupted");
        } finally {
            channel.close();
        }
    }

    /** A transport failure in Go's words where upstream's are well known. */
    private static String failure(Throwable cause, String authority) {
        if (cause instanceof ConnectException) {
            return "dial tcp " + authority + ": connect: connection refused";
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    private SslContext insecureTls() throws SSLException {
        SslContext tls = insecureTls;
        if (tls == null) {
            synchronized (this) {
                tls = insecureTls;
                if (tls == null) {
                    // upstream's prober does not verify the pod's certificate either
                    tls = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                            .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
                    insecureTls = tls;
                }
            }
        }
        return tls;
    }

    /** Completes with the response's status code; a connection that ends before it fails the probe. */
    private static final class StatusReader extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Integer> status;

        StatusReader(CompletableFuture<Integer> status) {
            this.status = status;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    int code = response.status().code();
                    if (code >= 100 && code < 200 && code != 101) {
                        return; // informational, as Go's client: the final answer follows
                    }
                    if (response.decoderResult().isFailure()) {
                        status.completeExceptionally(response.decoderResult().cause());
                    } else {
                        status.complete(code);
                    }
                    ctx.close();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            status.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            status.completeExceptionally(new EOFException("EOF"));
            super.channelInactive(ctx);
        }
    }
}
