package io.karst.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitedQueueTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger waitingSignals = new AtomicInteger();
    private final RateLimitedQueue queue = new RateLimitedQueue(timers, waitingSignals::incrementAndGet);

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void aKeyAddedTwiceWhileWaitingIsQueuedOnce() throws Exception {
        queue.add("a");
        queue.add("b");
        queue.add("a");
        assertEquals(2, queue.depth());
        assertEquals(2, waitingSignals.get(), "told once per key that starts waiting");
        assertEquals("a", queue.poll());
        assertEquals("b", queue.poll());
        assertNull(queue.poll(), "empty");
    }

    @Test
    void aKeyAddedWhileBeingProcessedComesBackOnlyAfterItIsDone() throws Exception {
        queue.add("a");
        assertEquals("a", queue.poll());
        queue.add("a");
        assertEquals(0, queue.depth(), "not handed to a second worker while the first works on it");
        assertEquals(1, waitingSignals.get());
        queue.done("a");
        assertEquals(1, queue.depth());
        assertEquals(2, waitingSignals.get(), "waiting again once done");
        assertEquals("a", queue.poll());
    }

    @Test
    void failuresBackOffExponentiallyUpToTheMaximumAndSuccessResets() {
        assertEquals(Duration.ofMillis(5), queue.nextBackoff("a"));
        assertEquals(Duration.ofMillis(10), queue.nextBackoff("a"));
        assertEquals(Duration.ofMillis(20), queue.nextBackoff("a"));
        assertEquals(Duration.ofMillis(5), queue.nextBackoff("b"), "per key");
        for (int i = 0; i < 40; i++) {
            queue.nextBackoff("a");
        }
        assertEquals(RateLimitedQueue.MAX_BACKOFF, queue.nextBackoff("a"));
        queue.forget("a");
        assertEquals(Duration.ofMillis(5), queue.nextBackoff("a"));
    }

    @Test
    void addAfterQueuesTheKeyOnceTheDelayHasPassed() throws Exception {
        queue.addAfter("later", Duration.ofMillis(50));
        assertEquals(0, queue.depth());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waitingSignals.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals("later", queue.poll());
    }

    @Test
    void aShutDownQueueDropsItsKeysAndIgnoresNewOnes() {
        queue.add("a");
        queue.shutDown();
        assertNull(queue.poll());
        queue.add("ignored");
        assertEquals(0, queue.depth());
        assertEquals(1, waitingSignals.get());
    }
}
