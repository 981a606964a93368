package io.karst.datastore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.WatchEvent;
import io.karst.api.datastore.WatchListener;

/** A watch listener for tests: keeps every event and lets a test wait for a number of them or for the end. */
public final class EventCollector implements WatchListener {
    private final List<WatchEvent> events = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicReference<DatastoreException> closeCause = new AtomicReference<>();
    private volatile boolean overlapping;
    private volatile boolean delivering;

    @Override
    public void onEvents(List<WatchEvent> batch) {
        if (delivering) {
            overlapping = true;
        }
        delivering = true;
        synchronized (events) {
            events.addAll(batch);
            events.notifyAll();
        }
        delivering = false;
    }

    @Override
    public void onClosed(DatastoreException cause) {
        closeCause.set(cause);
        closed.countDown();
    }

    /** Waits until at least {@code count} events arrived and returns all of them; fails after {@code timeout}. */
    public List<WatchEvent> await(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (events.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " events within " + timeout + ", got "
                            + events.size() + ": " + events);
                }
                events.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            return List.copyOf(events);
        }
    }

    public List<WatchEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Waits for the watch to end and returns why (null: closed by its owner); fails after {@code timeout}. */
    public DatastoreException awaitClosed(Duration timeout) throws InterruptedException {
        if (!closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the watch did not end within " + timeout);
        }
        return closeCause.get();
    }

    public boolean sawOverlappingCalls() {
        return overlapping;
    }
}
