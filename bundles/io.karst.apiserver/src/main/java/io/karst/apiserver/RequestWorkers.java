package io.karst.apiserver;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that serve requests: an idle thread takes the next request; a new one is started only when none is
 * idle, up to {@code threads}; beyond them up to {@code queued} requests wait for a free thread, and more are
 * refused with {@link RejectedExecutionException} (answered 429). Threads idle for 30 s end.
 *
 * <p>Why not a plain {@link ThreadPoolExecutor} with a bounded queue: it starts a new thread for every task until
 * its core size is reached even while other threads idle, and it uses threads above the core size only once the
 * queue is full. With a core of 64 any steady trickle of requests kept 64 threads, and their stacks, alive
 * (bench/apiserver: 64 request threads under a load that keeps far fewer busy); a small core would have queued
 * requests behind a few threads blocked on datastore commits.
 */
final class RequestWorkers {
    private static final long IDLE_SECONDS = 30;

    private RequestWorkers() {
    }

    static ThreadPoolExecutor create(int threads, int queued, ThreadFactory factory) {
        HandOffQueue queue = new HandOffQueue(queued);
        return new ThreadPoolExecutor(0, threads, IDLE_SECONDS, TimeUnit.SECONDS, queue, factory,
                (task, pool) -> {
                    if (pool.isShutdown() || !queue.enqueue(task)) {
                        throw new RejectedExecutionException("all " + threads + " request threads are busy and "
                                + queued + " requests wait");
                    }
                });
    }

    /**
     * Offers succeed only by handing the task to a thread waiting for one, so the pool starts a thread when none
     * waits; the pool's rejection (all threads busy) queues the task here, up to the capacity.
     */
    private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
        private final int capacity;

        HandOffQueue(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }

        /** Only the rejection handler queues, so size and add race only with takers, which only shrink it. */
        synchronized boolean enqueue(Runnable task) {
            if (size() >= capacity) {
                return false;
            }
            return super.offer(task);
        }
    }
}
