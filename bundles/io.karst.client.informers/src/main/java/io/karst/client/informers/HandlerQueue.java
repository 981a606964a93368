package io.karst.client.informers;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.HandlerRegistration;
import io.karst.api.client.ResourceEventHandler;

/**
 * One event handler of an informer with its own serial queue (client-go's processorListener): the informer never
 * waits for a handler, and a handler's calls come one at a time in the informer's order.
 */
final class HandlerQueue implements HandlerRegistration {
    private final ResourceEventHandler handler;
    private final Executor queue;
    private final Consumer<HandlerQueue> onClose;
    private volatile boolean closed;
    private volatile boolean synced;
    private volatile ScheduledFuture<?> resync;

    HandlerQueue(ResourceEventHandler handler, Executor pool, Consumer<HandlerQueue> onClose) {
        this.handler = handler;
        this.queue = new SerialExecutor(pool);
        this.onClose = onClose;
    }

    void added(ObjectNode object) {
        queue.execute(() -> {
            if (!closed) {
                handler.onAdd(object);
            }
        });
    }

    void updated(ObjectNode old, ObjectNode current) {
        queue.execute(() -> {
            if (!closed) {
                handler.onUpdate(old, current);
            }
        });
    }

    void deleted(ObjectNode lastKnown, boolean finalStateUnknown) {
        queue.execute(() -> {
            if (!closed) {
                handler.onDelete(lastKnown, finalStateUnknown);
            }
        });
    }

    /** Queued after the initial list's onAdd calls: once it runs, the handler has seen them all. */
    void initialListQueued() {
        queue.execute(() -> synced = true);
    }

    void resyncWith(ScheduledFuture<?> future) {
        this.resync = future;
        if (closed) {
            future.cancel(false);
        }
    }

    @Override
    public boolean hasSynced() {
        return synced;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ScheduledFuture<?> r = resync;
        if (r != null) {
            r.cancel(false);
        }
        onClose.accept(this);
    }
}
