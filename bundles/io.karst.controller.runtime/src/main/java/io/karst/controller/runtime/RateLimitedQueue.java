package io.karst.controller.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.karst.api.controller.WorkQueue;

/**
 * client-go's rate-limited work queue: a key waiting is queued once, a key being worked on is not handed to a second
 * worker (added meanwhile, it comes back once the first is done), delayed adds go through a timer, and failed keys
 * come back after a per-key exponential backoff (5 ms doubling to {@link #MAX_BACKOFF}) that success resets.
 */
final class RateLimitedQueue implements WorkQueue {
    static final Duration BASE_BACKOFF = Duration.ofMillis(5);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1000);

    private final ScheduledExecutorService timers;
    /** Told, outside the queue's lock, each time a key starts waiting. */
    private final Runnable onWaiting;
    private final LinkedHashSet<String> waiting = new LinkedHashSet<>();
    private final Set<String> processing = new HashSet<>();
    /** Keys added while being processed: queued again when their worker is done. */
    private final Set<String> dirty = new HashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private boolean shutDown;

    RateLimitedQueue(ScheduledExecutorService timers, Runnable onWaiting) {
        this.timers = timers;
        this.onWaiting = onWaiting;
    }

    @Override
    public void add(String key) {
        boolean added;
        synchronized (this) {
            if (shutDown) {
                return;
            }
            if (processing.contains(key)) {
                dirty.add(key);
                added = false;
            } else {
                added = waiting.add(key);
            }
        }
        if (added) {
            onWaiting.run();
        }
    }

    @Override
    public void addAfter(String key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        synchronized (this) {
            if (shutDown) {
                return;
            }
        }
        try {
            timers.schedule(() -> add(key), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the runtime is stopping: the key would be dropped by the shut-down queue anyway
        }
    }

    /** Adds {@code key} after its next backoff step. */
    void addRateLimited(String key) {
        addAfter(key, nextBackoff(key));
    }

    synchronized Duration nextBackoff(String key) {
        int failed = failures.merge(key, 1, Integer::sum) - 1;
        // 5 ms * 2^30 is already far beyond the maximum: stop shifting before it overflows
        long millis = BASE_BACKOFF.toMillis() << Math.min(failed, 30);
        return millis > MAX_BACKOFF.toMillis() || millis <= 0 ? MAX_BACKOFF : Duration.ofMillis(millis);
    }

    /** Forgets a key's failures (after a successful reconcile). */
    synchronized void forget(String key) {
        failures.remove(key);
    }

    /** The next key to work on, marked as processing; {@code null} when none waits or the queue is shut down. */
    synchronized String poll() {
        if (shutDown || waiting.isEmpty()) {
            return null;
        }
        var iterator = waiting.iterator();
        String key = iterator.next();
        iterator.remove();
        processing.add(key);
        return key;
    }

    /** The worker is done with {@code key}; if it was added meanwhile, it waits again. */
    void done(String key) {
        boolean added;
        synchronized (this) {
            processing.remove(key);
            added = dirty.remove(key) && !shutDown && waiting.add(key);
        }
        if (added) {
            onWaiting.run();
        }
    }

    @Override
    public synchronized int depth() {
        return waiting.size();
    }

    /** Drops every waiting key; {@link #poll} answers {@code null} and adds are ignored from now on. */
    synchronized void shutDown() {
        shutDown = true;
        waiting.clear();
        dirty.clear();
    }
}
