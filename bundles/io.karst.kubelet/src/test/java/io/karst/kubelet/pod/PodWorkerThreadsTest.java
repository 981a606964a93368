package io.karst.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * {@link PodWorkerThreads}: no more passes at once than its width, the rest queued and all run; an idle worker
 * is reused rather than a new one started; delayed passes run on a worker.
 */
class PodWorkerThreadsTest {

    @Test
    void aBurstRunsAtMostTheWidthAtOnceAndEveryPass() throws Exception {
        try (PodWorkerThreads threads = new PodWorkerThreads("test-worker", "test-timer", 4, Duration.ofSeconds(5))) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(40);
            for (int i = 0; i < 40; i++) {
                threads.execute(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    sleep(20);
                    running.decrementAndGet();
                    done.countDown();
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS), "all passes ran");
            assertEquals(4, most.get(), "passes at once");
        }
    }

    @Test
    void oneAtATimeReusesOneWorker() throws Exception {
        try (PodWorkerThreads threads = new PodWorkerThreads("reuse-worker", "reuse-timer", 4, Duration.ofSeconds(5))) {
            for (int i = 0; i < 10; i++) {
                CountDownLatch done = new CountDownLatch(1);
                threads.execute(done::countDown);
                assertTrue(done.await(5, TimeUnit.SECONDS));
                // the worker is back waiting before the next pass comes
                sleep(20);
            }
            assertEquals(1, Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("reuse-worker-")).count());
        }
    }

    @Test
    void aDelayedPassRunsOnAWorker() throws Exception {
        try (PodWorkerThreads threads = new PodWorkerThreads("later-worker", "later-timer", 4, Duration.ofSeconds(5))) {
            CountDownLatch done = new CountDownLatch(1);
            String[] ranOn = new String[1];
            threads.schedule(() -> {
                ranOn[0] = Thread.currentThread().getName();
                done.countDown();
            }, Duration.ofMillis(50));
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertTrue(ranOn[0].startsWith("later-worker-"), ranOn[0]);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
