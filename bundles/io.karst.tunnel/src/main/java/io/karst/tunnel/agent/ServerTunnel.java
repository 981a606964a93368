package io.karst.tunnel.agent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.tunnel.TunnelServer;
import io.karst.tunnel.mux.Multiplexer;

/**
 * This agent's tunnel to one server: a WebSocket over mutual TLS (the kubelet's client certificate) on the
 * server's {@value TunnelServer#PATH}, opened again after every failure or loss, forever, with a backoff of 1 s
 * doubling to 30 s (with jitter, so agents do not come back in step after a server restart). A ping every
 * {@value #PING_SECONDS} s finds a connection that died without a close.
 */
final class ServerTunnel implements WebSocket.Listener {
    static final long PING_SECONDS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(ServerTunnel.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final URI uri;
    private final HttpClient http;
    private final ScheduledExecutorService timer;
    private final Multiplexer.Acceptor acceptor;
    private final String nodeName;
    private Duration backoff = Duration.ofSeconds(1);
    private volatile boolean closed;
    private volatile WebSocket socket;
    private volatile Multiplexer mux;
    private volatile long lastHeard;
    /** Sends are chained: the JDK WebSocket refuses a send while the previous one is outstanding. */
    private CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(null);
    private ByteBuffer partial;
    private volatile ScheduledFuture<?> pings;

    ServerTunnel(String server, String nodeName, HttpClient http, ScheduledExecutorService timer,
            Multiplexer.Acceptor acceptor) {
        this.uri = URI.create(server.replaceAll("/+$", "").replaceFirst("^https", "wss") + TunnelServer.PATH);
        this.nodeName = nodeName;
        this.http = http;
        this.timer = timer;
        this.acceptor = acceptor;
    }

    void start() {
        connect();
        pings = timer.scheduleWithFixedDelay(this::ping, PING_SECONDS, PING_SECONDS, TimeUnit.SECONDS);
    }

    boolean isConnected() {
        return socket != null;
    }

    private void connect() {
        if (closed) {
            return;
        }
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, this)
                .whenComplete((ws, failure) -> {
                    if (failure != null) {
                        retry("cannot open the tunnel to " + uri + ": " + rootMessage(failure));
                    }
                });
    }

    private synchronized void retry(String why) {
        if (closed) {
            return;
        }
        LOG.warn("{}; trying again in {} s", why, backoff.toSeconds());
        long jitter = ThreadLocalRandom.current().nextLong(backoff.toMillis() / 4 + 1);
        timer.schedule(this::connect, backoff.toMillis() + jitter, TimeUnit.MILLISECONDS);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        synchronized (this) {
            backoff = Duration.ofSeconds(1);
            sending = CompletableFuture.completedFuture(webSocket);
        }
        lastHeard = System.nanoTime();
        mux = new Multiplexer("tunnel to " + uri.getAuthority(), this::send, acceptor);
        socket = webSocket;
        LOG.info("Tunnel of node {} to {} open", nodeName, uri.getAuthority());
        webSocket.request(1);
    }

    private synchronized void send(ByteBuffer message) {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        sending = sending.thenCompose(previous -> ws.sendBinary(message, true)).exceptionally(failure -> {
            ws.abort();
            return ws;
        });
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        lastHeard = System.nanoTime();
        ByteBuffer message;
        if (partial == null && last) {
            message = data;
        } else {
            ByteBuffer joined = ByteBuffer.allocate((partial == null ? 0 : partial.remaining()) + data.remaining());
            if (partial != null) {
                joined.put(partial);
            }
            joined.put(data).flip();
            partial = last ? null : joined;
            message = last ? joined : null;
        }
        if (message != null) {
            mux.receive(message);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        lastHeard = System.nanoTime();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        lost("the server closed the tunnel (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        lost("the tunnel to " + uri.getAuthority() + " failed: " + rootMessage(error));
    }

    private void lost(String why) {
        socket = null;
        Multiplexer gone = mux;
        if (gone != null) {
            gone.closeAll(why);
        }
        retry(why);
    }

    private void ping() {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        if (System.nanoTime() - lastHeard > TimeUnit.SECONDS.toNanos(3 * PING_SECONDS)) {
            ws.abort(); // onError follows, and with it a new connection
            return;
        }
        synchronized (this) {
            sending = sending.thenCompose(previous -> ws.sendPing(ByteBuffer.allocate(0)))
                    .exceptionally(failure -> ws);
        }
    }

    void close() {
        closed = true;
        ScheduledFuture<?> scheduled = pings;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        WebSocket ws = socket;
        if (ws != null) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "agent stopping").orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((w, e) -> ws.abort());
        }
        Multiplexer gone = mux;
        if (gone != null) {
            gone.closeAll("the agent is stopping");
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
