package io.karst.cri.containerd.internal;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

import io.karst.grpc.wire.GrpcHeaders;
import io.karst.grpc.wire.MessageFraming;
import io.karst.grpc.wire.StatusCodes;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;

/**
 * Unary gRPC calls to a CRI socket, in plaintext HTTP/2 on one connection (prior knowledge, as every gRPC client
 * of a Unix socket), each call a stream of its own: the request's headers and its one length-prefixed protobuf
 * message, then the answer read by {@link UnaryReplyReader}. CRI has only unary calls, so this is all of gRPC the
 * node needs, on Netty's HTTP/2 codec, which the node loads anyway; grpc-java with Guava and Gson was ~900 classes
 * of an agent's memory for the same calls.
 *
 * <p>The connection is made on the first call and made again by the first call after it was lost (containerd
 * restarted, or it went away with GOAWAY): no backoff, since the kubelet paces its calls itself. A call that cannot
 * open its stream never reached the runtime, so it is tried once more on a new connection; a call that could have
 * reached it is not. The socket is reached with Netty's native epoll ({@link EpollDomainSocketChannel}) where it
 * loads, else with the JDK's Unix channels; the event loop is owned here and ended by {@link #close}.
 */
final class CriChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CriChannel.class);
    /** containerd's own limit for CRI responses (ListContainers on a busy node, ExecSync output). */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** Stream window: a big ListContainers answer in a few round trips rather than 64 KB at a time. */
    private static final int WINDOW_BYTES = 1024 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Path socket;
    private final EventLoopGroup loop;
    private final Class<? extends Channel> channelType;
    private final SocketAddress address;
    private final String transport;
    /** The connection calls use; read without a lock, as the event loop clears it when the connection goes. */
    private final AtomicReference<Channel> connection = new AtomicReference<>();
    /**
     * Held by a caller while it connects, so concurrent calls make one connection. Never taken on the event loop:
     * the loop must stay free to read the new connection's settings (and the old one's close) meanwhile.
     */
    private final Object connecting = new Object();
    private volatile boolean closed;

    CriChannel(Path socket) {
        this.socket = socket;
        IoHandlerFactory io;
        if (epollAvailable()) {
            io = EpollIoHandler.newFactory();
            channelType = EpollDomainSocketChannel.class;
            address = new DomainSocketAddress(socket.toString());
            transport = "epoll";
        } else {
            io = NioIoHandler.newFactory();
            channelType = NioDomainSocketChannel.class;
            address = UnixDomainSocketAddress.of(socket);
            transport = "nio";
        }
        loop = new MultiThreadIoEventLoopGroup(1, threads("karst-cri-io"), io);
    }

    String transport() {
        return transport;
    }

    /** After containerd was restarted: the next call connects again at once (there is no backoff to cut short). */
    void reconnectNow() {
        drop(null);
    }

    /**
     * Calls {@code method} ({@code /runtime.v1.RuntimeService/Version}) and waits for its answer until
     * {@code deadline}, which the runtime is told too ({@code grpc-timeout}).
     *
     * @throws GrpcStatusException the runtime's status when it is not OK, DEADLINE_EXCEEDED, UNAVAILABLE when the
     *                             socket cannot be reached
     */
    <T> T call(String method, MessageLite request, Parser<T> parser, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        byte[] framed = MessageFraming.frame(request.toByteArray());
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        UnaryReplyReader reader = new UnaryReplyReader(reply, MAX_MESSAGE_BYTES);
        Http2StreamChannel stream;
        try {
            stream = openStream(reader, end);
        } catch (GrpcStatusException first) {
            if (first.code() != StatusCodes.UNAVAILABLE || closed) {
                throw first;
            }
            // the stream never opened, so the runtime never saw the call: once more on a new connection
            stream = openStream(reader, end);
        }
        // A connection lost before this stream was written to it ends no stream of its own (Netty tells only the
        // streams the connection knows), so its close ends the call here.
        ChannelFutureListener lost = f -> reply.completeExceptionally(new GrpcStatusException(
                StatusCodes.UNAVAILABLE, "the connection to the runtime closed before the call ended"));
        stream.parent().closeFuture().addListener(lost);
        Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http").path(method)
                .authority("localhost");
        headers.add("content-type", "application/grpc");
        headers.add("te", "trailers");
        headers.add("grpc-timeout", GrpcHeaders.timeout(end - System.nanoTime()));
        stream.write(new DefaultHttp2HeadersFrame(headers, false));
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(framed), true)).addListener(written -> {
            if (!written.isSuccess()) {
                reply.completeExceptionally(new GrpcStatusException(StatusCodes.UNAVAILABLE,
                        "sending the request failed: " + written.cause(), written.cause()));
            }
        });
        byte[] message;
        try {
            message = reply.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new GrpcStatusException(StatusCodes.DEADLINE_EXCEEDED, "no answer within "
                    + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GrpcStatusException(StatusCodes.CANCELLED, "interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof GrpcStatusException status ? status
                    : new GrpcStatusException(StatusCodes.INTERNAL, e.getCause().toString(), e.getCause());
        } finally {
            stream.parent().closeFuture().removeListener(lost);
            // ends the stream if it is still open (a deadline, an interrupt): the runtime then stops the call
            stream.close();
        }
        try {
            return parser.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            throw new GrpcStatusException(StatusCodes.INTERNAL, "an unreadable response message: "
                    + e.getMessage(), e);
        }
    }

    private Http2StreamChannel openStream(UnaryReplyReader reader, long end) {
        Channel parent = connection(end);
        try {
            return new Http2StreamChannelBootstrap(parent).handler(reader).open().get(Math.max(0, end - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new GrpcStatusException(StatusCodes.DEADLINE_EXCEEDED, "no stream to the runtime in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GrpcStatusException(StatusCodes.CANCELLED, "interrupted", e);
        } catch (ExecutionException e) {
            // e.g. the runtime said GOAWAY: this connection takes no more streams
            drop(parent);
            throw new GrpcStatusException(StatusCodes.UNAVAILABLE, "cannot open a stream: "
                    + e.getCause(), e.getCause());
        }
    }

    /** The open connection, or a new one whose server has sent its HTTP/2 settings. */
    private Channel connection(long end) {
        Channel open = connection.get();
        if (open != null && open.isActive()) {
            return open;
        }
        synchronized (connecting) {
            if (closed) {
                throw new GrpcStatusException(StatusCodes.UNAVAILABLE, "the CRI client is closed");
            }
            open = connection.get();
            if (open != null && open.isActive()) {
                return open;
            }
            Channel made = connect(end);
            connection.set(made);
            return made;
        }
    }

    private Channel connect(long end) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        long connectMillis = Math.max(1, Math.min(CONNECT_TIMEOUT.toMillis(),
                TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
        ChannelFuture connected = new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                                        .initialWindowSize(WINDOW_BYTES).maxHeaderListSize(64 * 1024))
                                .build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                new ConnectionEvents(ready));
                    }
                }).connect(address);
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(f.cause());
            }
        });
        try {
            ready.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            return connected.channel();
        } catch (TimeoutException e) {
            connected.channel().close();
            throw new GrpcStatusException(StatusCodes.DEADLINE_EXCEEDED, "no connection to " + socket
                    + " in time");
        } catch (InterruptedException e) {
            connected.channel().close();
            Thread.currentThread().interrupt();
            throw new GrpcStatusException(StatusCodes.CANCELLED, "interrupted", e);
        } catch (ExecutionException e) {
            connected.channel().close();
            Throwable cause = e.getCause();
            throw new GrpcStatusException(StatusCodes.UNAVAILABLE, "cannot connect to " + socket + ": "
                    + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
        }
    }

    /**
     * Forgets {@code lost}, so the next call makes a new connection; {@code null}: forgets and closes the current
     * one. Called on the event loop too, so it takes no lock.
     */
    private void drop(Channel lost) {
        if (lost == null) {
            Channel gone = connection.getAndSet(null);
            if (gone != null) {
                gone.close();
            }
        } else {
            // streams still running on it end with its close, or finish first when the server only said GOAWAY
            connection.compareAndSet(lost, null);
        }
    }

    @Override
    public void close() {
        closed = true;
        drop(null);
        loop.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The connection's own frames: ready once the server's SETTINGS came; GOAWAY retires it for new calls. */
    private final class ConnectionEvents extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Void> ready;

        ConnectionEvents(CompletableFuture<Void> ready) {
            this.ready = ready;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2SettingsFrame) {
                    ready.complete(null);
                } else if (msg instanceof Http2GoAwayFrame) {
                    drop(ctx.channel());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof Http2GoAwayFrame) {
                drop(ctx.channel());
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ready.completeExceptionally(new java.io.IOException("the runtime closed the connection before its "
                    + "HTTP/2 settings"));
            drop(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("CRI connection to {} failed: {}", socket, cause.toString());
            ready.completeExceptionally(cause);
            ctx.close();
        }
    }

    private static boolean epollAvailable() {
        try {
            if (Epoll.isAvailable()) {
                return true;
            }
            LOG.debug("Native epoll is not available, containerd's socket is reached through NIO: {}",
                    Epoll.unavailabilityCause().toString());
            return false;
        } catch (LinkageError missing) {
            LOG.debug("Netty's epoll classes are not installed, containerd's socket is reached through NIO: {}",
                    missing.toString());
            return false;
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
