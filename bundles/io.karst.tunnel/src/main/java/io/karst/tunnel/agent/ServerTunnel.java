package io.karst.tunnel.agent;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.tunnel.TunnelServer;
import io.karst.tunnel.mux.Multiplexer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslHandler;

/**
 * This agent's tunnel to one server: a WebSocket over mutual TLS (the kubelet's client certificate) on the
 * server's {@value TunnelServer#PATH}, opened again after every failure or loss, forever, with a backoff of 1 s
 * doubling to 30 s (with jitter, so agents do not come back in step after a server restart). A ping every
 * {@value #PING_SECONDS} s finds a connection that died without a close. The server's certificate is checked
 * against the CA and the server's host name or address, as the JDK's HTTP client did.
 */
final class ServerTunnel implements TunnelFrames.Events {
    static final long PING_SECONDS = 20;
    /** The most a message may be, whole or in continuation frames: the server's limit too. */
    static final int MAX_MESSAGE_BYTES = 1 << 20;
    /**
     * Writers wait above this many buffered bytes: a few of the multiplexer's 32 KiB DATA messages, enough to keep
     * the link busy, bounded whatever the producers do.
     */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 256 * 1024);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ServerTunnel.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final URI uri;
    private final String host;
    private final int port;
    private final SSLContext tls;
    private final EventLoopGroup group;
    private final ScheduledExecutorService timer;
    private final Multiplexer.Acceptor acceptor;
    private final String nodeName;
    private Duration backoff = Duration.ofSeconds(1);
    private volatile boolean closed;
    /** The open connection (handshake done), or null. */
    private volatile Channel channel;
    private volatile TunnelFrames frames;
    private volatile Multiplexer mux;
    private volatile long lastHeard;
    private volatile ScheduledFuture<?> pings;

    ServerTunnel(String server, String nodeName, SSLContext tls, EventLoopGroup group, ScheduledExecutorService timer,
            Multiplexer.Acceptor acceptor) {
        this.uri = URI.create(server.replaceAll("/+$", "").replaceFirst("^https", "wss") + TunnelServer.PATH);
        // an IPv6 literal comes bracketed in a URI; sockets and TLS want it bare
        this.host = uri.getHost().replaceAll("^\\[|\\]$", "");
        this.port = uri.getPort() > 0 ? uri.getPort() : 443;
        this.nodeName = nodeName;
        this.tls = tls;
        this.group = group;
        this.timer = timer;
        this.acceptor = acceptor;
    }

    void start() {
        connect();
        pings = timer.scheduleWithFixedDelay(this::ping, PING_SECONDS, PING_SECONDS, TimeUnit.SECONDS);
    }

    boolean isConnected() {
        return channel != null;
    }

    private void connect() {
        if (closed) {
            return;
        }
        TunnelFrames handler = new TunnelFrames(this);
        try {
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new SslHandler(engine()), new HttpClientCodec(),
                                    new HttpObjectAggregator(64 * 1024),
                                    new WebSocketClientProtocolHandler(handshake()),
                                    new WebSocketFrameAggregator(MAX_MESSAGE_BYTES), handler);
                        }
                    }).connect(host, port).addListener(connected -> {
                        // after a connection, the handler reports how it ended; a failed connect has no connection
                        if (!connected.isSuccess()) {
                            retry("cannot open the tunnel to " + uri + ": "
                                    + TunnelFrames.rootMessage(connected.cause()));
                        }
                    });
        } catch (RuntimeException e) {
            // the event loop is shutting down: the agent is stopping
            retry("cannot open the tunnel to " + uri + ": " + TunnelFrames.rootMessage(e));
        }
    }

    private SSLEngine engine() {
        SSLEngine engine = tls.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        // the tunnel is a WebSocket over HTTP/1.1: the server refuses one over HTTP/2
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        engine.setSSLParameters(parameters);
        return engine;
    }

    private WebSocketClientProtocolConfig handshake() {
        return WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri)
                .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                // the close frame's code and reason are logged, so this end reads them itself
                .handleCloseFrames(false)
                // pongs are the answers to this end's pings: they prove the link is alive
                .dropPongFrames(false)
                .handshakeTimeoutMillis(CONNECT_TIMEOUT_MILLIS)
                .build();
    }

    private synchronized void retry(String why) {
        if (closed) {
            return;
        }
        LOG.warn("{}; trying again in {} s", why, backoff.toSeconds());
        long jitter = ThreadLocalRandom.current().nextLong(backoff.toMillis() / 4 + 1);
        try {
            timer.schedule(this::connect, backoff.toMillis() + jitter, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            return;
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    @Override
    public void opened(Channel opened) {
        synchronized (this) {
            backoff = Duration.ofSeconds(1);
        }
        lastHeard = System.nanoTime();
        TunnelFrames handler = opened.pipeline().get(TunnelFrames.class);
        mux = new Multiplexer("tunnel to " + uri.getAuthority(), message -> send(opened, handler, message),
                acceptor);
        frames = handler;
        channel = opened;
        LOG.info("Tunnel of node {} to {} open", nodeName, uri.getAuthority());
        if (closed) {
            opened.close();
        }
    }

    /**
     * The multiplexer's sink: in order, never blocking the event loop; a writer on another thread waits while the
     * connection has a full buffer, which holds back a producer faster than the link.
     */
    private static void send(Channel to, TunnelFrames handler, ByteBuffer message) {
        if (!to.isActive()) {
            return;
        }
        handler.awaitWritable(to);
        to.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message)))
                .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void heard() {
        lastHeard = System.nanoTime();
    }

    @Override
    public void message(ByteBuffer message) {
        Multiplexer current = mux;
        if (current != null) {
            current.receive(message);
        }
    }

    @Override
    public void ended(boolean opened, String serverClose, String failure) {
        if (!opened) {
            retry("cannot open the tunnel to " + uri + ": " + (serverClose != null
                    ? "the server closed the connection (" + serverClose + ")" : failure));
            return;
        }
        channel = null;
        frames = null;
        String why = serverClose != null ? "the server closed the tunnel (" + serverClose + ")"
                : "the tunnel to " + uri.getAuthority() + " failed: " + failure;
        Multiplexer gone = mux;
        if (gone != null) {
            gone.closeAll(why);
        }
        retry(why);
    }

    private void ping() {
        Channel ch = channel;
        TunnelFrames handler = frames;
        if (ch == null || handler == null) {
            return;
        }
        if (System.nanoTime() - lastHeard > TimeUnit.SECONDS.toNanos(3 * PING_SECONDS)) {
            ch.eventLoop().execute(() -> {
                handler.failed(new IOException("no answer from the server for " + 3 * PING_SECONDS + " s"));
                ch.close(); // ended() follows, and with it a new connection
            });
            return;
        }
        ch.writeAndFlush(new PingWebSocketFrame()).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /** Ends the tunnel for good: a close frame to the server, the connection closed after it, no reconnection. */
    void close() {
        closed = true;
        ScheduledFuture<?> scheduled = pings;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        Channel ch = channel;
        if (ch != null) {
            ch.writeAndFlush(new CloseWebSocketFrame(1000, "agent stopping")).addListener(ChannelFutureListener.CLOSE);
        }
        Multiplexer gone = mux;
        if (gone != null) {
            gone.closeAll("the agent is stopping");
        }
    }
}
