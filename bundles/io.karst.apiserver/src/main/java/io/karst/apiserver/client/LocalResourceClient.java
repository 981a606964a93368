package io.karst.apiserver.client;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.karst.api.client.ApiResource;
import io.karst.api.client.InformerFactory;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.Watcher;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.endpoint.ResourceEndpoint;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.status.ApiException;
import io.karst.client.informers.SharedInformerFactory;

/**
 * The API server's {@link ResourceClient} for the bundles of its own JVM: every verb goes through the same
 * {@link ResourceEndpoint} as an HTTP request (validation, defaulting, admission, concurrency control, errors),
 * with the body as a tree instead of bytes. Owns the threads that deliver watch events and run informers; closing
 * it stops them, ends every watch and informer, and makes further calls fail with 503.
 */
public final class LocalResourceClient implements ResourceClient, AutoCloseable {
    private final Shared shared;
    private final UserInfo user;

    /** Everything the clients made by {@link #as} share with the one that made them. */
    private record Shared(ResourceRegistry registry, ResourceEndpoint endpoint, ClientSettings settings,
            ExecutorService callbacks, ScheduledExecutorService timers, Map<UserInfo, SharedInformerFactory> informers,
            Set<LocalWatch> watches, AtomicBoolean closed) {
    }

    public LocalResourceClient(ResourceRegistry registry, ResourceEndpoint endpoint, ClientSettings settings) {
        this.shared = new Shared(registry, endpoint, settings, Executors.newCachedThreadPool(threads("callback")),
                newTimers(), new ConcurrentHashMap<>(), ConcurrentHashMap.newKeySet(), new AtomicBoolean());
        this.user = INTERNAL_USER;
    }

    private LocalResourceClient(Shared shared, UserInfo user) {
        this.shared = shared;
        this.user = user;
    }

    private static ScheduledExecutorService newTimers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, threads("timer"));
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }

    private static ThreadFactory threads(String role) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "karst-client-" + role + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public UserInfo user() {
        return user;
    }

    /**
     * A client acting as {@code user}. Authorization is not enforced yet (the RBAC issue adds it); the identity is
     * kept so that callers already say who they act for.
     */
    @Override
    public ResourceClient as(UserInfo other) {
        return new LocalResourceClient(shared, Objects.requireNonNull(other, "user"));
    }

    @Override
    public ResourceOperations resource(ResourceKey key) {
        return new LocalResourceOperations(this, Objects.requireNonNull(key, "key"), null);
    }

    @Override
    public List<ApiResource> resources() {
        checkOpen();
        Map<String, String> preferred = new java.util.HashMap<>();
        shared.registry().groups().forEach(g -> preferred.put(g.group(), g.preferred()));
        return shared.registry().groups().stream()
                .flatMap(g -> g.versions().stream().flatMap(v -> shared.registry().resources(g.group(), v).stream()))
                .map(t -> new ApiResource(t.group(), t.version(), t.kind(), t.plural(), t.namespaced(), t.verbs(),
                        t.version().equals(preferred.get(t.group()))))
                .toList();
    }

    @Override
    public InformerFactory informers() {
        checkOpen();
        return shared.informers().computeIfAbsent(user, u -> new SharedInformerFactory(this::resource,
                this::checkOpen, shared.callbacks(), shared.timers(), shared.settings().informerSettings()));
    }

    /**
     * Stops every informer and ends every watch (their watchers still get onClose), so no datastore watch outlives
     * the server; idempotent. Only the client the server created may close.
     */
    @Override
    public void close() {
        if (!shared.closed().compareAndSet(false, true)) {
            return;
        }
        shared.informers().values().forEach(SharedInformerFactory::close);
        List.copyOf(shared.watches()).forEach(LocalWatch::close);
        shared.timers().shutdownNow();
        // Not shutdownNow: the watchers' onClose calls just queued still run.
        shared.callbacks().shutdown();
    }

    /** A watch for {@code watcher}, ended by {@link #close} if it is still running then. */
    LocalWatch newWatch(Watcher watcher) {
        LocalWatch watch = new LocalWatch(watcher, shared.callbacks(), shared.settings().watchQueueLimit(),
                shared.watches()::remove);
        shared.watches().add(watch);
        return watch;
    }

    /** How many watches of this client (and the clients made from it) are running: not yet ended. */
    int openWatches() {
        return shared.watches().size();
    }

    void checkOpen() {
        if (shared.closed().get()) {
            throw ClientErrors.of(ApiException.serviceUnavailable("the API server is stopping"));
        }
    }

    ResourceRegistry registry() {
        return shared.registry();
    }

    ResourceEndpoint endpoint() {
        return shared.endpoint();
    }

    ClientSettings settings() {
        return shared.settings();
    }

    ExecutorService callbacks() {
        return shared.callbacks();
    }

    ScheduledExecutorService timers() {
        return shared.timers();
    }
}
