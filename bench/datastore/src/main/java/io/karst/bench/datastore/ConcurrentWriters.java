package io.karst.bench.datastore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a fixed number of operations on a number of writer threads, each doing its share one after another (a
 * closed loop: a writer sends its next request when the previous one is answered), and times the whole.
 */
final class ConcurrentWriters {

    /** Operation number {@code i} of the run, on writer {@code writer} ({@code i % writers == writer}). */
    @FunctionalInterface
    interface Op {
        void run(int writer, long i) throws Exception;
    }

    private ConcurrentWriters() {
    }

    /**
     * Runs operations {@code 0 .. total-1} on {@code writers} threads and returns the elapsed nanoseconds;
     * {@code done} counts finished operations for progress reports. The first failure fails the run.
     */
    static long run(int writers, long total, AtomicLong done, Op op) {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (long i = writer; i < total && failure.get() == null; i += writers) {
                        op.run(writer, i);
                        done.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "bench-writer-" + w);
            thread.start();
            threads.add(thread);
        }
        long started = System.nanoTime();
        start.countDown();
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writers ran", e);
            }
        }
        long elapsed = System.nanoTime() - started;
        if (failure.get() != null) {
            throw new IllegalStateException("a writer failed: " + failure.get(), failure.get());
        }
        return elapsed;
    }

    static long run(int writers, long total, Op op) {
        return run(writers, total, new AtomicLong(), op);
    }

    /** Operations per second of a run. */
    static double rate(long operations, long elapsedNanos) {
        return operations * 1e9 / elapsedNanos;
    }
}
