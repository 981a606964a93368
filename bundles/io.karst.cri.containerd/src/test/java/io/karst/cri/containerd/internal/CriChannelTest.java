package io.karst.cri.containerd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.cri.containerd.internal.runtime.v1.VersionRequest;
import io.karst.cri.containerd.internal.runtime.v1.VersionResponse;
import io.karst.grpc.wire.MessageFraming;
import io.karst.grpc.wire.StatusCodes;
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
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * The CRI client against a small gRPC server on a Unix socket, for what the real containerd
 * ({@link ContainerdRuntimeTest}) does not readily show: a status other than OK with its message, a deadline, a
 * socket nobody listens on, a connection the runtime closed. (A containerd killed and started again under the client
 * is in {@link ContainerdRuntimeTest}.)
 */
class CriChannelTest {
    private static final String VERSION = "/runtime.v1.RuntimeService/Version";

    @TempDir
    Path dir;
    private final EventLoopGroup serverLoop = serverLoop();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Channel> connections = new CopyOnWriteArrayList<>();
    private volatile Answer answer = Answer.ok(VersionResponse.newBuilder().setRuntimeName("fake").build());
    private Channel server;
    private CriChannel client;

    /** What the server answers: a body (a framed message) with OK, or a status (trailers only), after a delay. */
    private record Answer(byte[] body, int status, String grpcMessage, long delayMillis) {
        static Answer ok(VersionResponse response) {
            return new Answer(MessageFraming.frame(response.toByteArray()), 0, null, 0);
        }

        static Answer status(int status, String encodedMessage) {
            return new Answer(null, status, encodedMessage, 0);
        }
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Path socket() {
        return dir.resolve("cri.sock");
    }

    private void serve() throws Exception {
        server = listen(serverLoop);
    }

    private Channel listen(EventLoopGroup group) throws Exception {
        Files.deleteIfExists(socket());
        return new ServerBootstrap().group(group).channel(NioServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new Unary());
                                    }
                                }));
                    }
                }).bind(UnixDomainSocketAddress.of(socket())).sync().channel();
    }

    private static EventLoopGroup serverLoop() {
        return new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    /** One call: the request's headers and message in, the {@link #answer} out. */
    private final class Unary extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private String path;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            try {
                boolean end;
                if (msg instanceof Http2HeadersFrame headers) {
                    path = headers.headers().path().toString();
                    end = headers.isEndStream();
                } else if (msg instanceof Http2DataFrame data) {
                    ByteBuf content = data.content();
                    content.readBytes(body, content.readableBytes());
                    end = data.isEndStream();
                } else {
                    return;
                }
                if (end) {
                    calls.add(path + " " + body.size());
                    Answer a = answer;
                    ctx.executor().schedule(() -> answer(ctx, a), a.delayMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void answer(ChannelHandlerContext ctx, Answer a) {
            Http2Headers response = new DefaultHttp2Headers().status("200");
            response.add("content-type", "application/grpc");
            if (a.body() == null) {
                response.add("grpc-status", String.valueOf(a.status()));
                response.add("grpc-message", a.grpcMessage());
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(response, true));
                return;
            }
            ctx.write(new DefaultHttp2HeadersFrame(response, false));
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(a.body()), false));
            Http2Headers trailers = new DefaultHttp2Headers();
            trailers.add("grpc-status", "0");
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
        }
    }

    private VersionResponse version(Duration deadline) {
        return client.call(VERSION, VersionRequest.newBuilder().setVersion("v1").build(), VersionResponse.parser(),
                deadline);
    }

    @Test
    void aCallCarriesItsMessageAndTheAnswersOne() throws Exception {
        serve();
        client = new CriChannel(socket());
        assertEquals("fake", version(Duration.ofSeconds(5)).getRuntimeName());
        assertEquals("fake", version(Duration.ofSeconds(5)).getRuntimeName());
        // the request's message: 5 bytes of prefix and VersionRequest{version: "v1"}
        byte[] request = VersionRequest.newBuilder().setVersion("v1").build().toByteArray();
        assertEquals(List.of(VERSION + " " + (5 + request.length), VERSION + " " + (5 + request.length)), calls);
    }

    @Test
    void aStatusOtherThanOkIsThrownWithItsCodeAndDecodedMessage() throws Exception {
        serve();
        client = new CriChannel(socket());
        answer = Answer.status(5, "an error occurred when try to find container \"abc\": not found %E2%9C%97");
        GrpcStatusException e = assertThrows(GrpcStatusException.class, () -> version(Duration.ofSeconds(5)));
        assertEquals(StatusCodes.NOT_FOUND, e.code());
        assertEquals("an error occurred when try to find container \"abc\": not found \u2717", e.description());
        assertTrue(CriCalls.notFound(e));
    }

    @Test
    void aBodyThatIsNotOneUncompressedMessageIsInternalInTheClientsWords() throws Exception {
        serve();
        client = new CriChannel(socket());
        byte[] compressed = MessageFraming.frame(new byte[] {1, 2});
        compressed[0] = 1;
        answer = new Answer(compressed, 0, null, 0);
        GrpcStatusException e = assertThrows(GrpcStatusException.class, () -> version(Duration.ofSeconds(5)));
        assertEquals(StatusCodes.INTERNAL, e.code());
        assertEquals("a compressed response message, though no compression was accepted", e.description());
        answer = new Answer(new byte[] {0, 0, 0, 0, 9, 1}, 0, null, 0);
        e = assertThrows(GrpcStatusException.class, () -> version(Duration.ofSeconds(5)));
        assertEquals("INTERNAL: a truncated response message", e.getMessage());
    }

    @Test
    void noAnswerBeforeTheDeadlineIsDeadlineExceededAndTheNextCallGoesOn() throws Exception {
        serve();
        client = new CriChannel(socket());
        answer = new Answer(MessageFraming.frame(VersionResponse.newBuilder().setRuntimeName("slow").build()
                .toByteArray()), 0, null, 2000);
        GrpcStatusException e = assertThrows(GrpcStatusException.class, () -> version(Duration.ofMillis(200)));
        assertEquals(StatusCodes.DEADLINE_EXCEEDED, e.code());
        answer = Answer.ok(VersionResponse.newBuilder().setRuntimeName("fake").build());
        assertEquals("fake", version(Duration.ofSeconds(5)).getRuntimeName());
    }

    @Test
    void aSocketNobodyListensOnIsUnavailableWithItsPath() {
        client = new CriChannel(socket());
        GrpcStatusException e = assertThrows(GrpcStatusException.class, () -> version(Duration.ofSeconds(5)));
        assertEquals(StatusCodes.UNAVAILABLE, e.code());
        assertTrue(e.description().contains(socket().toString()), e.description());
        String message = new CriCalls("unix://" + socket()).message("version", e);
        assertTrue(message.startsWith("version: the container runtime at unix://" + socket() + " is not reachable: "),
                message);
    }

    @Test
    void aConnectionTheRuntimeClosedIsMadeAgainByTheNextCalls() throws Exception {
        serve();
        client = new CriChannel(socket());
        assertEquals("fake", version(Duration.ofSeconds(5)).getRuntimeName());
        // containerd restarted, or dropped the connection: the server's end of it closes
        for (Channel accepted : connections) {
            accepted.close().sync();
        }
        // a call racing the client's reading of that close fails as UNAVAILABLE; the next ones connect again
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                assertEquals("fake", version(Duration.ofSeconds(2)).getRuntimeName());
                break;
            } catch (GrpcStatusException e) {
                assertEquals(StatusCodes.UNAVAILABLE, e.code(), e.getMessage());
                assertTrue(System.nanoTime() < deadline, "no new connection: " + e.getMessage());
            }
        }
        assertEquals(2, connections.size(), "one new connection");
        assertEquals("fake", version(Duration.ofSeconds(2)).getRuntimeName());
        assertEquals(2, connections.size(), "and it is kept");
    }
}
