package io.karst.apiserver.client;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ObjectList;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;
import io.karst.api.client.WriteOptions;

/**
 * Real operations that a test can observe and hold: it counts lists and watches, keeps the current watch so the
 * test can end it, and can make the next watch wait, so that changes and a compaction happen while the informer
 * is away.
 */
final class GatedOperations implements ResourceOperations {
    private final ResourceOperations real;
    final AtomicInteger lists = new AtomicInteger();
    final AtomicInteger watches = new AtomicInteger();
    volatile ResourceWatch current;
    private volatile CountDownLatch gate;
    private final CountDownLatch waiting = new CountDownLatch(1);

    GatedOperations(ResourceOperations real) {
        this.real = real;
    }

    /** The next watch call waits until {@link #open()}. */
    void holdNextWatch() {
        gate = new CountDownLatch(1);
    }

    /** Waits until a watch call is held at the gate. */
    boolean awaitHeld() throws InterruptedException {
        return waiting.await(5, TimeUnit.SECONDS);
    }

    void open() {
        gate.countDown();
    }

    @Override
    public ResourceWatch watch(ListOptions options, Watcher watcher) {
        CountDownLatch g = gate;
        if (g != null) {
            waiting.countDown();
            try {
                g.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gate = null;
        }
        watches.incrementAndGet();
        ResourceWatch w = real.watch(options, watcher);
        current = w;
        return w;
    }

    @Override
    public ObjectList list(ListOptions options) {
        if (options.continueToken().isEmpty()) {
            lists.incrementAndGet();
        }
        return real.list(options);
    }

    @Override
    public ResourceKey key() {
        return real.key();
    }

    @Override
    public String namespace() {
        return real.namespace();
    }

    @Override
    public ResourceOperations inNamespace(String namespace) {
        return real.inNamespace(namespace);
    }

    @Override
    public ObjectNode get(String name, String subresource) {
        return real.get(name, subresource);
    }

    @Override
    public ObjectNode create(ObjectNode object, String subresource, WriteOptions options) {
        return real.create(object, subresource, options);
    }

    @Override
    public ObjectNode update(ObjectNode object, String subresource, WriteOptions options) {
        return real.update(object, subresource, options);
    }

    @Override
    public ObjectNode patch(String name, String patchType, JsonNode patch, String subresource,
            WriteOptions options) {
        return real.patch(name, patchType, patch, subresource, options);
    }

    @Override
    public ObjectNode delete(String name, DeleteOptions options) {
        return real.delete(name, options);
    }

    @Override
    public ObjectList deleteCollection(ListOptions selection, DeleteOptions options) {
        return real.deleteCollection(selection, options);
    }
}
