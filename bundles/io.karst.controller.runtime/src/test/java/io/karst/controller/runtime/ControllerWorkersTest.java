package io.karst.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.karst.api.client.Informer;

class ControllerWorkersTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>());
    private final Set<String> reconciled = ConcurrentHashMap.newKeySet();
    private ControllerWorkers workers;

    @AfterEach
    void stop() {
        timers.shutdownNow();
        pool.shutdownNow();
    }

    private ControllerWorkers workers(int limit, Consumer<String> work) {
        workers = new ControllerWorkers("test", limit, pool, timers, key -> {
            try {
                work.accept(key);
                reconciled.add(key);
            } finally {
                workers.queue().done(key);
            }
        });
        return workers;
    }

    @Test
    void aControllerHoldsAPoolThreadOnlyWhileItHasKeys() throws Exception {
        workers(5, key -> { });
        workers.start(List.of());
        await("the sync wait to end", () -> pool.getCompletedTaskCount() == 1 && pool.getActiveCount() == 0);
        for (String key : List.of("a", "b", "c")) {
            workers.queue().add(key);
        }
        await("every key", () -> reconciled.size() == 3);
        await("no thread still working for the controller", () -> pool.getActiveCount() == 0);
    }

    @Test
    void noMoreThanTheLimitOfKeysAreReconciledAtOnce() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        workers(2, key -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now.decrementAndGet();
        });
        workers.start(List.of());
        for (int i = 0; i < 6; i++) {
            workers.queue().add("k" + i);
        }
        await("two keys under way", () -> now.get() == 2);
        Thread.sleep(100);
        assertEquals(2, now.get());
        assertEquals(4, workers.queue().depth());
        release.countDown();
        await("every key", () -> reconciled.size() == 6);
        assertEquals(2, most.get());
    }

    @Test
    void aKeyIsNotHeldUpByASlowOneWhileTheLimitAllowsMore() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        workers(2, key -> {
            if (key.equals("slow")) {
                slowStarted.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        workers.start(List.of());
        workers.queue().add("slow");
        assertTrue(slowStarted.await(10, TimeUnit.SECONDS));
        workers.queue().add("fast");
        await("the fast key while the slow one is under way", () -> reconciled.contains("fast"));
        release.countDown();
        await("the slow key", () -> reconciled.contains("slow"));
    }

    @Test
    void keysWaitUntilTheInformersHaveSynced() throws Exception {
        CountDownLatch synced = new CountDownLatch(1);
        Informer informer = (Informer) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Informer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("waitForSync")) {
                        return synced.await(((Duration) args[0]).toMillis(), TimeUnit.MILLISECONDS);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        workers(1, key -> { });
        workers.start(List.of(informer));
        workers.queue().add("early");
        Thread.sleep(200);
        assertTrue(reconciled.isEmpty(), "reconciled before the caches were complete");
        synced.countDown();
        await("the key once synced", () -> reconciled.contains("early"));
    }

    @Test
    void stopInterruptsTheReconcilesUnderWayAndWaitsForThem() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        workers(1, key -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        workers.start(List.of());
        workers.queue().add("slow");
        workers.queue().add("next");
        assertTrue(started.await(10, TimeUnit.SECONDS));
        workers.stop();
        assertTrue(workers.awaitStopped(Duration.ofSeconds(5)));
        assertEquals(1, interrupted.get());
        workers.queue().add("after");
        Thread.sleep(100);
        assertFalse(reconciled.contains("next"), "a waiting key was handed out after stop");
        assertFalse(reconciled.contains("after"));
        assertFalse(Thread.currentThread().isInterrupted());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
