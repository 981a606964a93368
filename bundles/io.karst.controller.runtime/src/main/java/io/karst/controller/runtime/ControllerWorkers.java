package io.karst.controller.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.client.Informer;

/**
 * One controller's workers: up to {@code limit} of its keys reconciled at once, on threads borrowed from the
 * runtime's shared pool only while its queue holds keys. Upstream's workers are goroutines blocked on the queue;
 * a platform thread parked per worker kept ~60 threads (6 MB of stacks) for controllers that were mostly idle.
 * The first key is handed out only once the informers have synced, as client-go's WaitForCacheSync ensures.
 */
final class ControllerWorkers {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerWorkers.class);
    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);

    private final String name;
    private final int limit;
    private final Executor pool;
    private final Consumer<String> reconcile;
    private final RateLimitedQueue queue;
    /** The pool threads working for this controller now, interrupted by {@link #stop}. */
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    // guarded by this
    private boolean synced;
    private boolean stopped;
    private int draining;
    /** Drains inside a reconcile; the others are about to take a key. */
    private int reconciling;
    /** Tasks of this controller on the pool: the sync wait and the drains. */
    private int tasks;

    /**
     * @param reconcile works on one key taken from {@link #queue()}, marks it {@link RateLimitedQueue#done} and
     *                  never throws
     */
    ControllerWorkers(String name, int limit, Executor pool, ScheduledExecutorService timers,
            Consumer<String> reconcile) {
        this.name = name;
        this.limit = Math.max(1, limit);
        this.pool = pool;
        this.reconcile = reconcile;
        this.queue = new RateLimitedQueue(timers, this::dispatch);
    }

    RateLimitedQueue queue() {
        return queue;
    }

    /** Hands out keys once every one of {@code informers} has synced (or failed to within two minutes). */
    void start(List<Informer> informers) {
        submit(() -> {
            try {
                for (Informer informer : informers) {
                    if (!informer.waitForSync(SYNC_TIMEOUT)) {
                        LOG.warn("Controller {}: informer {} not synced after {} s, starting anyway", name,
                                informer.key(), SYNC_TIMEOUT.toSeconds());
                    }
                }
            } catch (InterruptedException e) {
                return; // stopped while waiting
            }
            synchronized (this) {
                synced = true;
            }
            dispatch();
        });
    }

    /** Stops handing out keys, drops the waiting ones and interrupts the reconciles under way. */
    void stop() {
        synchronized (this) {
            stopped = true;
        }
        queue.shutDown();
        threads.forEach(Thread::interrupt);
    }

    /** Waits for this controller's tasks on the pool to end; false if some still run after {@code timeout}. */
    synchronized boolean awaitStopped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tasks > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /**
     * Starts drains until each waiting key has one about to take it, or {@code limit} run: after the sync, and
     * after a drain ends, several keys may wait with no drain for them.
     */
    private void dispatch() {
        while (true) {
            synchronized (this) {
                if (!synced || stopped || draining >= limit || queue.depth() <= draining - reconciling) {
                    return;
                }
                draining++;
            }
            if (!submit(this::drain)) {
                synchronized (this) {
                    draining--;
                }
                return;
            }
        }
    }

    private void drain() {
        try {
            String key;
            while (!isStopped() && (key = queue.poll()) != null) {
                reconciling(1);
                try {
                    reconcile.accept(key);
                } finally {
                    reconciling(-1);
                }
            }
        } finally {
            synchronized (this) {
                draining--;
            }
        }
        // A key added after the last poll, while this drain still counted as running, started no other.
        dispatch();
    }

    private synchronized void reconciling(int change) {
        reconciling += change;
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    private boolean submit(Runnable task) {
        synchronized (this) {
            tasks++;
        }
        try {
            pool.execute(() -> runAsWorker(task));
            return true;
        } catch (RejectedExecutionException e) {
            taskEnded(); // the runtime is stopping
            return false;
        }
    }

    /** Names the borrowed thread after the controller while it works for it, for thread dumps. */
    private void runAsWorker(Runnable task) {
        Thread thread = Thread.currentThread();
        String poolName = thread.getName();
        thread.setName("karst-controller-" + name);
        threads.add(thread);
        try {
            if (!isStopped()) {
                task.run();
            }
        } finally {
            threads.remove(thread);
            thread.setName(poolName);
            Thread.interrupted(); // an interrupt meant for this controller must not reach the pool's next task
            taskEnded();
        }
    }

    private synchronized void taskEnded() {
        tasks--;
        notifyAll();
    }
}
