package io.karst.client.remote;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One HTTP/2 connection over TLS per API server, shared by every request to it (each request a stream of its own),
 * on one event loop thread. A connection is made by the first request to its server and made again by the first
 * request after it was lost (the server closed it, went away with GOAWAY, or died): no backoff, since a server that
 * cannot be reached makes the caller fail over to the next one. {@link #close} ends the connections and the thread.
 */
final class ServerConnections implements AutoCloseable {
    /** The whole set-up of a connection: TCP, TLS with ALPN, the server's HTTP/2 settings. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final SSLContext tls;
    private final EventLoopGroup loop;
    /** The connection to each server, or its set-up under way; a failed or closed one is replaced when next asked. */
    private final Map<URI, CompletableFuture<Channel>> connections = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ServerConnections(SSLContext tls, ThreadFactory threads) {
        this.tls = tls;
        // one thread: an agent's few requests and watches need no more, and each thread costs memory
        this.loop = new MultiThreadIoEventLoopGroup(1, threads, NioIoHandler.newFactory());
    }

    /**
     * Opens a stream to {@code server} whose frames the handler from {@code handler} reads (a new one per attempt:
     * a handler is added to one pipeline only); {@code autoRead} false leaves reading
     * to the handler (a watch reads only as fast as its watcher takes the events). Fails with an IOException when
     * the server cannot be reached. A connection that takes no more streams (GOAWAY, closed meanwhile) is replaced
     * once: nothing was sent on it, so even a write may go on the new one.
     */
    CompletableFuture<Http2StreamChannel> openStream(URI server, Supplier<ChannelHandler> handler,
            boolean autoRead) {
        CompletableFuture<Http2StreamChannel> opened = new CompletableFuture<>();
        openStream(server, handler, autoRead, opened, true);
        return opened;
    }

    private void openStream(URI server, Supplier<ChannelHandler> handler, boolean autoRead,
            CompletableFuture<Http2StreamChannel> opened, boolean mayRetry) {
        CompletableFuture<Channel> connection = connection(server);
        boolean reused = connection.isDone();
        connection.whenComplete((parent, failure) -> {
            if (failure != null) {
                opened.completeExceptionally(failure);
                return;
            }
            new Http2StreamChannelBootstrap(parent).option(ChannelOption.AUTO_READ, autoRead).handler(handler.get())
                    .open()
                    .addListener(f -> {
                        if (f.isSuccess()) {
                            opened.complete((Http2StreamChannel) f.getNow());
                            return;
                        }
                        connections.remove(server, connection);
                        if (reused && mayRetry && !closed) {
                            openStream(server, handler, autoRead, opened, false);
                        } else {
                            opened.completeExceptionally(new IOException("cannot open a stream to " + server + ": "
                                    + f.cause(), f.cause()));
                        }
                    });
        });
    }

    /** The open connection to {@code server}, its set-up under way, or a new one. */
    private CompletableFuture<Channel> connection(URI server) {
        if (closed) {
            return CompletableFuture.failedFuture(new IOException("the remote client is closed"));
        }
        try {
            return connections.compute(server, (s, known) -> known != null && usable(known) ? known : connect(s));
        } catch (RejectedExecutionException e) {
            // closed meanwhile: the event loop takes no more work
            return CompletableFuture.failedFuture(new IOException("the remote client is closed", e));
        }
    }

    private static boolean usable(CompletableFuture<Channel> connection) {
        if (!connection.isDone()) {
            return true;
        }
        return !connection.isCompletedExceptionally() && connection.join().isActive();
    }

    private CompletableFuture<Channel> connect(URI server) {
        CompletableFuture<Channel> ready = new CompletableFuture<>();
        String host = server.getHost().startsWith("[") ? server.getHost().substring(1, server.getHost().length() - 1)
                : server.getHost();
        ChannelFuture connected = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .handler(new ApiConnectionInitializer(tls, server, host, ready,
                        () -> connections.remove(server, ready)))
                .connect(host, server.getPort());
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(f.cause() instanceof IOException io ? io
                        : new IOException(f.cause().toString(), f.cause()));
            }
        });
        // TCP has its own timeout; this one bounds the TLS handshake and the wait for the server's settings too
        ScheduledFuture<?> timeout = loop.schedule(() -> {
            if (ready.completeExceptionally(new IOException("no HTTP/2 connection to " + server + " within "
                    + CONNECT_TIMEOUT.toSeconds() + "s"))) {
                connected.channel().close();
            }
        }, CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        ready.whenComplete((channel, failure) -> {
            timeout.cancel(false);
            if (failure != null) {
                connected.channel().close();
            }
        });
        return ready;
    }

    /** Closes the connections to servers that are not in {@code servers} (they left the cluster). */
    void retainOnly(Collection<URI> servers) {
        for (Map.Entry<URI, CompletableFuture<Channel>> entry : List.copyOf(connections.entrySet())) {
            if (!servers.contains(entry.getKey()) && connections.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().thenAccept(Channel::close);
            }
        }
    }

    /** Closes every connection (their streams end) and stops the event loop thread once they are closed. */
    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<Channel> connection : List.copyOf(connections.values())) {
            connection.cancel(false);
            connection.thenAccept(Channel::close);
        }
        connections.clear();
        // a short quiet period: the closes above and the streams' resets still run on the loop
        loop.shutdownGracefully(50, 2_000, TimeUnit.MILLISECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
