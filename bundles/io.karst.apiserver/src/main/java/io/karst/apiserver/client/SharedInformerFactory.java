package io.karst.apiserver.client;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.karst.api.client.Informer;
import io.karst.api.client.InformerFactory;
import io.karst.api.client.ResourceKey;

/** One shared informer per resource, namespace and label selector, for one client (one user). */
final class SharedInformerFactory implements InformerFactory {
    private final LocalResourceClient client;
    private final Map<Key, SharedInformer> informers = new ConcurrentHashMap<>();

    private record Key(ResourceKey resource, String namespace, String labelSelector) {
    }

    SharedInformerFactory(LocalResourceClient client) {
        this.client = client;
    }

    @Override
    public Informer informer(ResourceKey key, String namespace, String labelSelector) {
        Objects.requireNonNull(key, "key");
        String ns = namespace == null || namespace.isEmpty() ? null : namespace;
        String selector = labelSelector == null ? "" : labelSelector;
        client.checkOpen();
        return informers.computeIfAbsent(new Key(key, ns, selector), k -> new SharedInformer(
                client.resource(key).inNamespace(ns), selector, client.callbacks(), client.timers(),
                client.settings()));
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

    void close() {
        informers.values().forEach(SharedInformer::stop);
    }
}
