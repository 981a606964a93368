package io.karst.client.remote;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLPeerUnverifiedException;

import io.karst.api.security.ServingCredentials;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;

/**
 * A test double of an API server: Netty's HTTP/2 server over TLS (client certificate required, Netty's default
 * flow control: 64 KiB windows), answering each request by its path with a {@link Responder}, 404 otherwise. It
 * records what it saw: the requests, the client's certificate subject, the connections, the streams the client
 * reset.
 */
final class Http2TlsTestServer implements AutoCloseable {
    /** Answers one request on its stream; {@code body} is the whole request body. */
    @FunctionalInterface
    interface Responder {
        void respond(Http2Headers request, byte[] body, Channel stream);
    }

    /** What the server saw of a request. */
    record Request(String method, String path, Http2Headers headers, String body, String clientSubject) {
    }

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, Responder> routes = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    /** Paths of the streams the client reset (RST_STREAM). */
    final List<String> abandoned = new CopyOnWriteArrayList<>();
    private final Channel server;

    /** @param protocols what the server accepts by ALPN, in its order of preference */
    Http2TlsTestServer(ServingCredentials credentials, String... protocols) throws Exception {
        SslContext tls = SslContextBuilder.forServer(credentials.key(), credentials.chain())
                .sslProvider(SslProvider.JDK)
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(credentials.clientCas().toArray(new X509Certificate[0]))
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols))
                .build();
        server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel connection) {
                        connections.incrementAndGet();
                        connection.pipeline().addLast(tls.newHandler(connection.alloc()),
                                new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                                    @Override
                                    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                            ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                                    new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                                        @Override
                                                        protected void initChannel(Channel stream) {
                                                            stream.pipeline().addLast(new RequestReader());
                                                        }
                                                    }));
                                        }
                                        // anything else: no HTTP here; the client is expected to give up
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    String url() {
        return "https://127.0.0.1:" + port();
    }

    /** Answers requests to {@code path} (without its query) with {@code responder}. */
    Http2TlsTestServer route(String path, Responder responder) {
        routes.put(path, responder);
        return this;
    }

    /** Answers with {@code status} and a JSON body. */
    static Responder json(int status, String body) {
        return (request, requestBody, stream) -> {
            stream.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(Integer.toString(status))
                    .add("content-type", "application/json")));
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8),
                    true));
        };
    }

    /** Closes the TCP connection the request came on, without an answer. */
    static Responder dropConnection() {
        return (request, body, stream) -> stream.parent().close();
    }

    /** Never answers. */
    static Responder silence() {
        return (request, body, stream) -> {
        };
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Reads a request on its stream, then hands it to its route; notes a stream the client gave up on. */
    private final class RequestReader extends ChannelInboundHandlerAdapter {
        private Http2Headers headers;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            try {
                boolean end = false;
                if (msg instanceof Http2HeadersFrame frame) {
                    headers = frame.headers();
                    end = frame.isEndStream();
                } else if (msg instanceof Http2DataFrame frame) {
                    frame.content().readBytes(body, frame.content().readableBytes());
                    end = frame.isEndStream();
                }
                if (end) {
                    String path = headers.path().toString();
                    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
                    requests.add(new Request(headers.method().toString(), path, headers,
                            body.toString(StandardCharsets.UTF_8), clientSubject(ctx.channel())));
                    Responder responder = routes.getOrDefault(bare, json(404, "{\"kind\":\"Status\",\"apiVersion\":"
                            + "\"v1\",\"status\":\"Failure\",\"message\":\"the server could not find the requested "
                            + "resource\",\"reason\":\"NotFound\",\"code\":404}"));
                    responder.respond(headers, body.toByteArray(), ctx.channel());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof Http2ResetFrame && headers != null) {
                abandoned.add(headers.path().toString());
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    private static String clientSubject(Channel stream) {
        try {
            SslHandler tls = stream.parent().pipeline().get(SslHandler.class);
            return tls.engine().getSession().getPeerPrincipal().getName();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
