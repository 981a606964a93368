package io.karst.tunnel.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.karst.tunnel.mux.Multiplexer;
import io.karst.tunnel.mux.SocketBridge;
import io.karst.tunnel.mux.TunnelStream;

/**
 * Single-use relays from a loopback port of this server to an address on an agent, through its tunnel: the API
 * server dials a runtime streaming URL as it dials a local one, and the bytes of the session (an HTTP upgrade to
 * SPDY) flow through a tunnel stream to the agent, which connects to the runtime there. A relay takes one
 * connection within a few seconds, as the runtime's own single-use URLs expire.
 */
final class LoopbackRelays implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackRelays.class);

    private final int acceptSeconds;
    private final ExecutorService threads;
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();

    LoopbackRelays(int acceptSeconds) {
        this.acceptSeconds = acceptSeconds;
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tunnel-relay-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** @return the target's URL with this server's loopback relay as host and port */
    URI relay(URI target, Multiplexer mux) throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        listener.setSoTimeout(acceptSeconds * 1000);
        open.add(listener);
        threads.execute(() -> {
            try (listener) {
                Socket socket = listener.accept();
                open.remove(listener);
                pipe(socket, target, mux);
            } catch (SocketTimeoutException e) {
                LOG.debug("nobody used the relay to {} within {} s", target, acceptSeconds);
            } catch (IOException e) {
                LOG.debug("relay to {} ended: {}", target, e.getMessage());
            } finally {
                open.remove(listener);
            }
        });
        String query = target.getRawQuery() == null ? "" : "?" + target.getRawQuery();
        return URI.create(target.getScheme() + "://" + listener.getInetAddress().getHostAddress() + ":"
                + listener.getLocalPort() + target.getRawPath() + query);
    }

    private void pipe(Socket socket, URI target, Multiplexer mux) throws IOException {
        int port = target.getPort() > 0 ? target.getPort() : "https".equals(target.getScheme()) ? 443 : 80;
        open.add(socket);
        try (socket) {
            TunnelStream stream = mux.open(JsonNodeFactory.instance.objectNode().put("op", "dial")
                    .put("host", target.getHost()).put("port", port));
            open.add(stream);
            try (stream) {
                SocketBridge.bridge(socket, stream, threads);
            } finally {
                open.remove(stream);
            }
        } finally {
            open.remove(socket);
        }
    }

    @Override
    public void close() {
        for (Closeable c : List.copyOf(open)) {
            try {
                c.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
