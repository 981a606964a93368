package io.karst.client.informers;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import io.karst.api.client.Informer;
import io.karst.api.client.InformerFactory;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;

/**
 * One shared informer per resource, namespace, label selector and field selector, for one client (one user). The
 * client owns the threads; it calls {@link #close} when it closes.
 */
public final class SharedInformerFactory implements InformerFactory {
    private final Function<ResourceKey, ResourceOperations> resources;
    private final Runnable checkOpen;
    private final Executor pool;
    private final ScheduledExecutorService timers;
    private final InformerSettings settings;
    private final Map<Key, SharedInformer> informers = new ConcurrentHashMap<>();

    private record Key(ResourceKey resource, String namespace, String labelSelector, String fieldSelector) {
    }

    /**
     * @param resources the client's verbs on a resource, across all namespaces
     * @param checkOpen throws (a 503 ResourceException) once the client is closed
     * @param pool runs the informers' steps and handler calls
     * @param timers the informers' retries and resyncs
     */
    public SharedInformerFactory(Function<ResourceKey, ResourceOperations> resources, Runnable checkOpen,
            Executor pool, ScheduledExecutorService timers, InformerSettings settings) {
        this.resources = resources;
        this.checkOpen = checkOpen;
        this.pool = pool;
        this.timers = timers;
        this.settings = settings;
    }

    @Override
    public Informer informer(ResourceKey key, String namespace, String labelSelector, String fieldSelector) {
        Objects.requireNonNull(key, "key");
        String ns = namespace == null || namespace.isEmpty() ? null : namespace;
        String labels = labelSelector == null ? "" : labelSelector;
        String fields = fieldSelector == null ? "" : fieldSelector;
        checkOpen.run();
        return informers.computeIfAbsent(new Key(key, ns, labels, fields), k -> new SharedInformer(
                resources.apply(key).inNamespace(ns), labels, fields, pool, timers, settings));
    }

    @Override
    public void start() {
        informers.values().forEach(SharedInformer::start);
    }

    @Override
    public boolean waitForSync(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (SharedInformer informer : informers.values()) {
            if (informer.isStarted()
                    && !informer.waitForSync(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /** Stops every informer it handed out; they do not start again. */
    public void close() {
        informers.values().forEach(SharedInformer::stop);
    }
}
