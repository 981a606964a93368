package io.karst.etcdserver.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import io.karst.api.datastore.KeyValueStore;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;

/**
 * The guarded writes of the transactions an event loop is handed, committed together on that loop
 * ({@link KeyValueStore#commitOnThisThread}) in a task it runs after the ones already queued. gRPC hands each
 * call's request to the service in a task of the loop, or while the loop processes a read, so by then the loop
 * has handed over every request of what it read. Their answers then leave from the loop without the hand-offs to
 * the store's writer and back, and a burst from one connection still shares one commit. The commit holds up the
 * loop's other connections for its duration (one fsync); the other loop keeps reading meanwhile.
 */
final class EventLoopCommits {
    private final KeyValueStore store;
    private final EventExecutorGroup loops;
    /** Per event loop thread: the writes waiting for its commit task. Touched by that thread only. */
    private final ThreadLocal<List<Runnable>> gathered = ThreadLocal.withInitial(ArrayList::new);

    EventLoopCommits(KeyValueStore store, EventExecutorGroup loops) {
        this.store = store;
        this.loops = loops;
    }

    /** Runs {@code write} (which calls the store's asynchronous writes) in this loop's next commit. */
    void write(Runnable write) {
        EventExecutor loop = currentLoop();
        if (loop == null) {
            store.commitOnThisThread(write);
            return;
        }
        List<Runnable> writes = gathered.get();
        writes.add(write);
        if (writes.size() > 1) {
            return;
        }
        try {
            loop.execute(() -> commit(writes));
        } catch (RejectedExecutionException stopping) {
            // the loop takes no more tasks: commit now rather than leave the calls unanswered
            commit(writes);
        }
    }

    private void commit(List<Runnable> writes) {
        List<Runnable> taken = List.copyOf(writes);
        writes.clear();
        store.commitOnThisThread(() -> taken.forEach(Runnable::run));
    }

    private EventExecutor currentLoop() {
        for (EventExecutor loop : loops) {
            if (loop.inEventLoop()) {
                return loop;
            }
        }
        return null;
    }
}
