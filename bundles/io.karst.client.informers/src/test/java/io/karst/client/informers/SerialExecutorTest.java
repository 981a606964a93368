package io.karst.client.informers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SerialExecutorTest {

    @Test
    void runsTasksOneAtATimeInSubmissionOrderOnAWidePool() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            List<Integer> order = new ArrayList<>();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1000);
            for (int i = 0; i < 1000; i++) {
                int n = i;
                serial.execute(() -> {
                    if (running.incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    order.add(n);
                    running.decrementAndGet();
                    done.countDown();
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(0, overlaps.get());
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, order.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
