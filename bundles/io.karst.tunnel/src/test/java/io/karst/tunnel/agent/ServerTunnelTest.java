package io.karst.tunnel.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.node.PodLogs;
import io.karst.api.security.CertificateAuthority;
import io.karst.api.security.PkiSettings;
import io.karst.api.security.ServingCredentials;
import io.karst.api.tunnel.TunnelServer;
import io.karst.pki.ClusterPki;
import io.karst.tls.pem.PemClientTls;
import io.karst.tunnel.mux.Multiplexer;
import io.karst.tunnel.mux.TunnelStream;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * The agent's tunnel against a stand-in for the API server's tunnel endpoint: a Netty WebSocket server over mutual
 * TLS with certificates of a real cluster PKI, which serves the server's end of the multiplexer as the tunnel
 * bundle's server side does.
 */
class ServerTunnelTest {
    private static final String LOG = "served through the tunnel\n";

    @TempDir
    Path dir;

    private final EventLoopGroup serverLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup agentLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    /** The server's ends of the tunnels the agent opened, in order. */
    private final LinkedBlockingQueue<ServerEnd> connections = new LinkedBlockingQueue<>();
    /** Messages the server sends are cut into WebSocket frames of at most this many bytes (0: one frame each). */
    private volatile int fragmentBytes;
    private Channel server;
    private SSLContext agentTls;
    private ServerTunnel tunnel;

    /** The server's end of one tunnel connection. */
    private record ServerEnd(Channel channel, Multiplexer mux) {
    }

    @BeforeEach
    void start() throws Exception {
        ClusterPki pki = ClusterPki.open(new PkiSettings(dir.resolve("data"), "server-1", List.of("127.0.0.1"),
                List.of(), "cluster.local", "10.43.0.0/16", 6443, Optional.empty(), Optional.empty(), "0600"));
        CertificateAuthority authority = pki.certificateAuthority();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        Path ca = Files.writeString(dir.resolve("ca.pem"), authority.serverCaBundle());
        Path cert = Files.writeString(dir.resolve("cert.pem"), authority.issueClientCertificate("system:node:edge-1",
                List.of("system:nodes"), key.getPublic(), Duration.ofDays(1)));
        Path keyFile = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        agentTls = PemClientTls.context(ca, cert, keyFile);

        ServingCredentials serving = authority.apiServing();
        SslContext serverTls = SslContextBuilder.forServer(serving.key(), serving.chain()).sslProvider(SslProvider.JDK)
                .clientAuth(ClientAuth.REQUIRE).trustManager(serving.clientCas()).build();
        server = new ServerBootstrap().group(serverLoop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(serverTls.newHandler(ch.alloc()), new HttpServerCodec(),
                                new HttpObjectAggregator(64 * 1024),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath(TunnelServer.PATH).maxFramePayloadLength(1 << 20).build()),
                                new WebSocketFrameAggregator(1 << 20), new ServerFrames());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    /** The stand-in's tunnel handler: one multiplexer per connection, opened once the handshake completed. */
    private final class ServerFrames extends SimpleChannelInboundHandler<WebSocketFrame> {
        private Multiplexer mux;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                Channel channel = ctx.channel();
                mux = new Multiplexer("server", message -> write(channel, message), null);
                connections.add(new ServerEnd(channel, mux));
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof BinaryWebSocketFrame binary) {
                ByteBuffer message = ByteBuffer.allocate(binary.content().readableBytes());
                binary.content().readBytes(message);
                mux.receive(message.flip());
            }
        }
    }

    private void write(Channel channel, ByteBuffer message) {
        int size = fragmentBytes;
        if (size == 0 || message.remaining() <= size) {
            channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message)));
            return;
        }
        // one message as a binary frame and continuation frames, as any WebSocket peer may send it
        byte[] bytes = new byte[message.remaining()];
        message.get(bytes);
        channel.eventLoop().execute(() -> {
            for (int offset = 0; offset < bytes.length; offset += size) {
                int n = Math.min(size, bytes.length - offset);
                boolean last = offset + n == bytes.length;
                var payload = Unpooled.wrappedBuffer(bytes, offset, n);
                channel.write(offset == 0 ? new BinaryWebSocketFrame(last, 0, payload)
                        : new ContinuationWebSocketFrame(last, 0, payload));
            }
            channel.flush();
        });
    }

    @AfterEach
    void stop() {
        if (tunnel != null) {
            tunnel.close();
        }
        server.close();
        agentLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        timer.shutdownNow();
        threads.shutdownNow();
    }

    /** The agent's tunnel, serving {@code logs} as this node's kubelet. */
    private ServerTunnel tunnel(PodLogs logs) {
        AgentRequests requests = new AgentRequests(threads, () -> logs, () -> null, () -> null);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        tunnel = new ServerTunnel("https://127.0.0.1:" + port, "edge-1", agentTls, agentLoop, timer,
                requests::accept);
        tunnel.start();
        return tunnel;
    }

    private static PodLogs writing(String log) {
        return (namespace, pod, uid, container, options, out) -> out.write(log.getBytes(StandardCharsets.UTF_8));
    }

    private ServerEnd nextConnection() throws InterruptedException {
        ServerEnd end = connections.poll(10, TimeUnit.SECONDS);
        assertNotNull(end, "the agent did not open its tunnel");
        return end;
    }

    private static ObjectNode logsRequest() {
        return JsonNodeFactory.instance.objectNode().put("op", "logs").put("namespace", "default").put("pod", "web")
                .put("uid", "u-1").put("container", "web");
    }

    private static String read(ServerEnd end, ObjectNode request) throws Exception {
        try (TunnelStream stream = end.mux().open(request)) {
            return new String(stream.input().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aLogIsServedThroughTheTunnel() throws Exception {
        tunnel(writing(LOG));

        assertEquals(LOG, read(nextConnection(), logsRequest()));
    }

    @Test
    void theTunnelOpensAgainAfterTheServerClosesIt() throws Exception {
        tunnel(writing(LOG));
        ServerEnd first = nextConnection();
        assertEquals(LOG, read(first, logsRequest()));

        first.channel().writeAndFlush(new CloseWebSocketFrame(1001, "server closing the tunnel")).sync();
        first.channel().close();

        // the first retry comes after 1 s and a jitter of at most a quarter of it
        ServerEnd second = nextConnection();
        assertEquals(LOG, read(second, logsRequest()));
    }

    @Test
    void aMessageInContinuationFramesIsJoinedAndAnswersLargerThanAFrameComeBackWhole() throws Exception {
        String big = "x".repeat(300 * 1024) + "\n";
        tunnel(writing(big));
        fragmentBytes = 8 * 1024;
        // a request of 200 KiB: more than Netty's default frame limit, cut here into 8 KiB continuation frames
        ObjectNode request = logsRequest().put("padding", "p".repeat(200 * 1024));

        assertEquals(big, read(nextConnection(), request));
    }

    @Test
    void aMessageLargerThanNettysDefaultFrameLimitInOneFrameIsAccepted() throws Exception {
        tunnel(writing(LOG));
        ObjectNode request = logsRequest().put("padding", "p".repeat(100 * 1024));

        assertEquals(LOG, read(nextConnection(), request));
    }

    @Test
    void closingTheTunnelSendsACloseAndDoesNotOpenItAgain() throws Exception {
        tunnel(writing(LOG));
        ServerEnd first = nextConnection();

        tunnel.close();

        assertTrue(first.channel().closeFuture().await(5, TimeUnit.SECONDS), "the connection stayed open");
        assertNull(connections.poll(2, TimeUnit.SECONDS), "the tunnel opened again after it was closed");
    }
}
