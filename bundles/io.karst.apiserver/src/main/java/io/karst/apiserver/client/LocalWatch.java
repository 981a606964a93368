package io.karst.apiserver.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;
import io.karst.apiserver.endpoint.StreamWriter;
import io.karst.apiserver.endpoint.WatchFrame;
import io.karst.client.informers.SerialExecutor;

/**
 * The client end of an in-process watch: the {@link StreamWriter} a {@code WatchSession} writes its frames to, as
 * it writes them to an HTTP response, queued for the {@link Watcher} on its own serial executor. Writes never
 * block the datastore's threads: a watcher that leaves too many events undelivered has its watch ended, as a slow
 * HTTP client's is.
 */
final class LocalWatch implements StreamWriter, ResourceWatch {
    private final Watcher watcher;
    private final Executor delivery;
    private final int queueLimit;
    private final AtomicInteger undelivered = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean closedByOwner = new AtomicBoolean();
    private final AtomicBoolean closeDelivered = new AtomicBoolean();
    private final List<Runnable> onClose = new CopyOnWriteArrayList<>();
    private final Consumer<LocalWatch> onEnd;
    private volatile ResourceException failure;

    /** @param onEnd told once when the watch ends, however it ends */
    LocalWatch(Watcher watcher, Executor pool, int queueLimit, Consumer<LocalWatch> onEnd) {
        this.watcher = watcher;
        this.onEnd = onEnd;
        this.delivery = new SerialExecutor(pool);
        this.queueLimit = queueLimit;
    }

    @Override
    public boolean write(WatchFrame frame) {
        if (ended.get() || undelivered.get() >= queueLimit) {
            return false;
        }
        // Frames may be shared with other watchers (a watch cache); the watcher gets its own tree.
        ResourceEvent event = new ResourceEvent(ResourceEvent.Type.valueOf(frame.type()),
                copySharingManagedFields(frame.object()));
        if (event.type() == ResourceEvent.Type.ERROR) {
            failure = ResourceException.fromStatus(event.object());
        }
        undelivered.incrementAndGet();
        delivery.execute(() -> {
            undelivered.decrementAndGet();
            if (!closedByOwner.get()) {
                watcher.onEvent(event);
            }
        });
        return true;
    }

    /**
     * A deep copy but for {@code metadata.managedFields}, which stays the cache's (never modified) tree: no
     * in-process consumer changes managedFields (writes copy their object first), and a copy of them in every
     * informer's object doubled the memory the watch cache saves by sharing them.
     */
    static ObjectNode copySharingManagedFields(ObjectNode shared) {
        if (!(shared.get("metadata") instanceof ObjectNode meta) || !meta.has("managedFields")) {
            return shared.deepCopy();
        }
        ObjectNode copy = shared.objectNode();
        shared.fields().forEachRemaining(e -> {
            if (e.getValue() == meta) {
                ObjectNode metaCopy = copy.putObject(e.getKey());
                meta.fields().forEachRemaining(m -> metaCopy.set(m.getKey(),
                        m.getKey().equals("managedFields") ? m.getValue() : m.getValue().deepCopy()));
            } else {
                copy.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return copy;
    }

    @Override
    public void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.accept(this);
            delivery.execute(this::deliverClose);
        }
    }

    private void deliverClose() {
        if (closeDelivered.compareAndSet(false, true)) {
            watcher.onClose(closedByOwner.get() ? null : failure);
        }
    }

    @Override
    public void onClose(Runnable action) {
        onClose.add(action);
        if (closedByOwner.get()) {
            action.run();
        }
    }

    @Override
    public void close() {
        if (!closedByOwner.compareAndSet(false, true)) {
            return;
        }
        for (Runnable action : onClose) {
            action.run();
        }
        end();
    }
}
