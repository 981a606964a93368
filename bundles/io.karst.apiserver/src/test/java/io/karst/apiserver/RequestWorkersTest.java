package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestWorkersTest {
    private ThreadPoolExecutor pool;

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
    }

    @Test
    void requestsOneAfterAnotherAreServedByOneThread() throws Exception {
        pool = RequestWorkers.create(64, 400, Executors.defaultThreadFactory());
        for (int i = 0; i < 200; i++) {
            CountDownLatch done = new CountDownLatch(1);
            pool.execute(done::countDown);
            assertTrue(done.await(5, TimeUnit.SECONDS));
            // the thread that ran it is back waiting before the next request comes
            awaitIdle(pool, 1);
        }
        assertEquals(1, pool.getLargestPoolSize(), "an idle thread takes the next request");
    }

    @Test
    void busyThreadsGrowThePoolToItsLimitThenRequestsWaitThenTheyAreRefused() throws Exception {
        pool = RequestWorkers.create(2, 1, Executors.defaultThreadFactory());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(2);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            pool.execute(() -> {
                started.countDown();
                await(release);
                ran.incrementAndGet();
            });
        }
        assertTrue(started.await(5, TimeUnit.SECONDS), "a second thread starts while the first is busy");
        CountDownLatch queuedRan = new CountDownLatch(1);
        pool.execute(queuedRan::countDown);
        assertEquals(1, pool.getQueue().size(), "the third waits for a thread");
        assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
        assertEquals(2, pool.getPoolSize());

        release.countDown();
        assertTrue(queuedRan.await(5, TimeUnit.SECONDS), "the waiting request runs once a thread is free");
        assertEquals(2, pool.getLargestPoolSize());
    }

    /** Until every thread of the pool waits for a request (not merely finished its last one). */
    private static void awaitIdle(ThreadPoolExecutor pool, int threads) throws InterruptedException {
        LinkedTransferQueue<Runnable> queue = (LinkedTransferQueue<Runnable>) pool.getQueue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (queue.getWaitingConsumerCount() < pool.getPoolSize() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(pool.getPoolSize(), queue.getWaitingConsumerCount());
        assertTrue(pool.getPoolSize() <= threads);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
