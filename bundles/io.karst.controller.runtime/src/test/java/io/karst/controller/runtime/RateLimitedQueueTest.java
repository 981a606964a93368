package io.karst.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitedQueueTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final RateLimitedQueue queue = new RateLimitedQueue(timers);

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
        assertEquals("a", queue.take());
        assertEquals("b", queue.take());
    }

    @Test
    void aKeyAddedWhileBeingProcessedComesBackOnlyAfterItIsDone() throws Exception {
        queue.add("a");
        assertEquals("a", queue.take());
        queue.add("a");
        assertEquals(0, queue.depth(), "not handed to a second worker while the first works on it");
        queue.done("a");
        assertEquals(1, queue.depth());
        assertEquals("a", queue.take());
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
        timers.schedule(() -> { }, 0, TimeUnit.MILLISECONDS);
        assertEquals("later", queue.take());
    }

    @Test
    void shutDownWakesWaitingWorkersWithNull() throws Exception {
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            queue.shutDown();
        });
        stopper.start();
        assertNull(queue.take());
        queue.add("ignored");
        assertEquals(0, queue.depth());
    }
}
