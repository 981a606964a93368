package io.karst.itests.e2e;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A fixed number of worker threads for keyed work, as client-go's work queue: a key offered while it waits is
 * queued once, and a key always runs on the same thread, so one key is never worked on twice at a time. The work
 * reads the key's latest state when it runs, so a burst of changes to one object costs one run. The number of
 * threads bounds how many requests the work keeps in flight, whatever the number of keys.
 */
final class KeyedWorkers implements AutoCloseable {
    private final ExecutorService[] lanes;
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final Consumer<String> work;

    KeyedWorkers(int threads, String name, Consumer<String> work) {
        this.work = work;
        this.lanes = new ExecutorService[threads];
        for (int i = 0; i < threads; i++) {
            String threadName = name + "-" + i;
            lanes[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** Runs the work for this key soon, once however often it is offered before it runs. */
    void offer(String key) {
        if (!waiting.add(key)) {
            return;
        }
        lanes[Math.floorMod(key.hashCode(), lanes.length)].execute(() -> {
            // removed before the work reads the state: a change arriving during the work queues the key again
            waiting.remove(key);
            work.accept(key);
        });
    }

    @Override
    public void close() {
        for (ExecutorService lane : lanes) {
            lane.shutdownNow();
        }
        for (ExecutorService lane : lanes) {
            try {
                lane.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
