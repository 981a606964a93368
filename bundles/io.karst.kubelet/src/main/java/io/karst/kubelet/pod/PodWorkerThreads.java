package io.karst.kubelet.pod;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the pod workers run on: up to {@code width} passes at once, on threads ({@code name-N}) that exist
 * only while there is work (one idle for {@code keepAlive} ends), and one timer thread that runs the periodic
 * tasks (relist, manifest poll) itself and hands delayed passes to the workers.
 * <p>
 * A fixed pool would keep its threads for ever once a burst of pods has started them all, and a scheduled pool
 * wider than one keeps them all too: its idle threads take turns waiting for the next periodic task, so none is
 * ever idle long enough to end. Hence the periodic tasks stay on the timer (a slow relist delays a delayed pass by
 * as much, which only ever waits for a retry or a resync), and a new pass goes to a worker that is waiting for
 * one, to a new worker while fewer than {@code width} exist, or to the queue when all are busy.
 */
final class PodWorkerThreads implements Executor, AutoCloseable {
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;

    PodWorkerThreads(String name, String timerName, int width, Duration keepAlive) {
        HandOffQueue queue = new HandOffQueue();
        // one core thread that may time out too: the core size only says "start one when there are none"
        this.workers = new ThreadPoolExecutor(1, width, keepAlive.toNanos(), TimeUnit.NANOSECONDS, queue,
                named(name), (task, pool) -> {
                    // all workers busy: the pass waits for the first one free
                    if (pool.isShutdown()) {
                        throw new RejectedExecutionException(name + " threads are closed");
                    }
                    queue.add(task);
                    // the busy workers may all have ended since: then one is started for the queued pass
                    pool.prestartCoreThread();
                });
        this.workers.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, named(timerName));
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /** Runs a pass on a worker. */
    @Override
    public void execute(Runnable task) {
        workers.execute(task);
    }

    /** Runs a pass on a worker once {@code delay} has passed. */
    void schedule(Runnable task, Duration delay) {
        timer.schedule(() -> {
            try {
                workers.execute(task);
            } catch (RejectedExecutionException closing) {
                // closed in between: the pass is not wanted any more
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} on the timer thread every {@code period} after the end of its last run. */
    void every(Duration period, Runnable task) {
        timer.scheduleWithFixedDelay(task, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops the timer and the workers (interrupting running passes) and waits up to 5 s for them to end. */
    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Takes a task only when a worker is waiting for one; otherwise the pool starts a new worker, or, with all
     * started, its rejection handler queues the task. A pool's own queue would be filled first and grow the pool
     * only once full.
     */
    private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }

        @Override
        public boolean add(Runnable task) {
            return super.offer(task);
        }
    }
}
