package io.karst.client.remote;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ApiResource;
import io.karst.api.client.InformerFactory;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;
import io.karst.api.security.UserInfo;
import io.karst.client.informers.InformerSettings;
import io.karst.client.informers.SerialExecutor;
import io.karst.client.informers.SharedInformerFactory;

/**
 * A {@link ResourceClient} that reaches the API servers over HTTPS with a client certificate, with the same
 * semantics as the in-process one: the same verbs, the same {@link ResourceException}s (built from the servers'
 * {@code Status} answers; a server that cannot be reached is a 503), watches delivered off the caller's thread, and
 * the same shared informers. It speaks HTTP/2 over TLS on Netty, one connection per server on one event loop thread
 * ({@link ServerConnections}); watchers and informer handlers are called on a small pool of callback threads. It keeps a client-side load balancer ({@link ServerPool}): it starts with the
 * configured servers, learns the others from the {@code default/kubernetes} Endpoints when it starts, every 30 s
 * and after a failover, and moves on to the next server when one cannot be reached.
 *
 * <p>Calls are made as the certificate's subject ({@link #user()}); {@link #as} is not supported (no
 * impersonation). Closing it stops the informers, ends the watches and releases every thread.
 */
public final class RemoteResourceClient implements ResourceClient, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteResourceClient.class);
    /** How often the servers are learned from the Endpoints. */
    static final Duration SERVER_REFRESH = Duration.ofSeconds(30);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final String KUBERNETES_ENDPOINTS = "/api/v1/namespaces/default/endpoints/kubernetes";

    private final UserInfo user;
    private final ServerConnections connections;
    private final ExecutorService callbacks;
    private final ScheduledThreadPoolExecutor timers;
    private final ApiTransport transport;
    private final Discovery discovery;
    private final SharedInformerFactory informers;
    private final Set<RemoteWatch> watches = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean refreshQueued = new AtomicBoolean();

    /**
     * @param servers the API servers to start with, {@code https://host:port}
     * @param tls trusted CAs and the client certificate
     * @param user who the servers take the certificate for
     */
    public RemoteResourceClient(List<URI> servers, SSLContext tls, UserInfo user, InformerSettings settings) {
        this(servers, tls, user, settings, REQUEST_TIMEOUT);
    }

    /** @param requestTimeout how long a request waits for its answer (a watch: for its headers) */
    RemoteResourceClient(List<URI> servers, SSLContext tls, UserInfo user, InformerSettings settings,
            Duration requestTimeout) {
        this.user = Objects.requireNonNull(user, "user");
        ServerPool pool = new ServerPool(servers);
        this.callbacks = Executors.newCachedThreadPool(threads("callback"));
        this.timers = new ScheduledThreadPoolExecutor(1, threads("timer"));
        timers.setRemoveOnCancelPolicy(true);
        this.connections = new ServerConnections(tls, threads("io"));
        this.transport = new ApiTransport(connections, pool, new ObjectMapper(), requestTimeout,
                this::refreshServersSoon);
        this.discovery = new Discovery(path -> transport.call("GET", path, null, null, true));
        this.informers = new SharedInformerFactory(this::resource, this::checkOpen, callbacks, timers, settings);
        // The first read right away, not SERVER_REFRESH later: until then the pool holds only the configured
        // servers, and should they all die first, the client could neither fail over nor read the Endpoints again
        // (HighAvailabilityEndToEndTest: the agent's tunnel, on its own timer, had learned the second server and
        // the first was killed before the client's first read).
        timers.scheduleWithFixedDelay(this::refreshServersSoon, 0, SERVER_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A client from the PEM files of an agent: the CA bundle, its certificate chain and its PKCS#8 key. */
    static RemoteResourceClient fromPem(List<URI> servers, ClientTls tls) {
        return new RemoteResourceClient(servers, tls.context(), tls.user(), InformerSettings.DEFAULTS);
    }

    private static ThreadFactory threads(String role) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "karst-remote-client-" + role + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The certificate's subject: its CN as the name, its O's as the groups. */
    @Override
    public UserInfo user() {
        return user;
    }

    /**
     * Not supported: the remote client cannot act as another user, since it would need impersonation headers
     * (and the right to impersonate), which are not implemented.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public ResourceClient as(UserInfo other) {
        throw new UnsupportedOperationException(
                "the remote client cannot act as another user; impersonation is not implemented");
    }

    @Override
    public ResourceOperations resource(ResourceKey key) {
        return new RemoteResourceOperations(this, Objects.requireNonNull(key, "key"), null);
    }

    @Override
    public List<ApiResource> resources() {
        checkOpen();
        return discovery.all();
    }

    @Override
    public InformerFactory informers() {
        checkOpen();
        return informers;
    }

    /** The servers it knows now, in order, and the one it uses. */
    ServerPool servers() {
        return transport.pool();
    }

    ApiTransport transport() {
        return transport;
    }

    Discovery discovery() {
        return discovery;
    }

    void checkOpen() {
        if (closed.get()) {
            throw new ResourceException(503, "ServiceUnavailable", "the remote client is closed", null);
        }
    }

    /**
     * Sends the watch request and returns once the server has answered 200; its events are then delivered to the
     * watcher in order on the callback threads.
     */
    ResourceWatch startWatch(String pathAndQuery, Watcher watcher) {
        checkOpen();
        RemoteWatch watch = new RemoteWatch(transport.pool().current().resolve(pathAndQuery), watcher,
                transport.json(), new SerialExecutor(callbacks), watches::remove);
        watches.add(watch);
        try {
            transport.watch(pathAndQuery, watch);
        } catch (RuntimeException e) {
            watches.remove(watch);
            watch.abandon();
            throw e;
        }
        if (closed.get()) {
            watch.close();
        }
        return watch;
    }

    /** How many watches are running: not yet ended. */
    int openWatches() {
        return watches.size();
    }

    /**
     * Reads the Endpoints on a pool thread (a slow server must not hold up the informers' timers), unless a read is
     * already queued or running.
     */
    private void refreshServersSoon() {
        if (!closed.get() && refreshQueued.compareAndSet(false, true)) {
            try {
                callbacks.execute(() -> {
                    try {
                        refreshServers();
                    } finally {
                        refreshQueued.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                refreshQueued.set(false);
            }
        }
    }

    /** Learns the API servers from the ready addresses of the {@code default/kubernetes} Endpoints. */
    void refreshServers() {
        if (closed.get()) {
            return;
        }
        try {
            ObjectNode endpoints = transport.call("GET", KUBERNETES_ENDPOINTS, null, null, true);
            List<URI> discovered = new ArrayList<>();
            for (JsonNode subset : endpoints.path("subsets")) {
                int port = httpsPort(subset.path("ports"));
                if (port <= 0) {
                    continue;
                }
                for (JsonNode address : subset.path("addresses")) {
                    String ip = address.path("ip").asText("");
                    if (!ip.isEmpty()) {
                        discovered.add(URI.create("https://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":"
                                + port));
                    }
                }
            }
            if (transport.pool().update(discovered)) {
                LOG.info("API servers: {}", transport.pool());
                connections.retainOnly(transport.pool().servers());
            }
        } catch (ResourceException | IllegalArgumentException e) {
            LOG.debug("the API servers could not be learned from the kubernetes Endpoints: {}", e.getMessage());
        }
    }

    private static int httpsPort(JsonNode ports) {
        int first = -1;
        for (JsonNode port : ports) {
            if (first < 0) {
                first = port.path("port").asInt(-1);
            }
            if ("https".equals(port.path("name").asText())) {
                return port.path("port").asInt(-1);
            }
        }
        return first;
    }

    /**
     * Stops the informers, ends every watch (their watchers get onClose), cancels the requests waiting for an
     * answer (their callers get a 503), closes the connections and releases every thread.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        informers.close();
        transport.close();
        List.copyOf(watches).forEach(RemoteWatch::close);
        timers.shutdownNow();
        // after the watches were closed: their watchers' onClose calls are queued already, and still run
        callbacks.shutdown();
        connections.close();
    }
}
