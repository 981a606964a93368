package io.karst.apiserver.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;
import io.karst.apiserver.endpoint.StreamWriter;
import io.karst.apiserver.endpoint.WatchFrame;
import io.karst.client.informers.ReadOnlyTrees;
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
        // The watch cache's objects are frozen and shared as they are with every in-process watcher, as
        // client-go's informers share theirs (the watcher copies before it changes one); anything else (a converted
        // object, a bookmark, a Status) gets a frozen copy, so every in-process watcher sees read-only trees.
        ResourceEvent event = new ResourceEvent(ResourceEvent.Type.valueOf(frame.type()),
                ReadOnlyTrees.readOnly(frame.object()));
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
