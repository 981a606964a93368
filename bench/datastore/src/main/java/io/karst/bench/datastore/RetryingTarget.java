package io.karst.bench.datastore;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import io.grpc.Status;
import io.karst.api.datastore.DatastoreUnavailableException;

/**
 * Retries a write the store refused as unavailable (gRPC UNAVAILABLE, or the store's own exception), as an etcd
 * client retries, and counts each refusal: a run of a million writes is not thrown away for one, and the table
 * still shows it. A refused write was rolled back, so its guard still holds; if it had been applied after all,
 * the retry fails on the guard and the bench stops, which is what such a bug deserves.
 */
final class RetryingTarget implements BenchTarget {
    private static final int ATTEMPTS = 5;
    private static final long PAUSE_MILLIS = 100;

    private final BenchTarget target;
    private final String name;
    private final AtomicLong refused = new AtomicLong();

    RetryingTarget(String name, BenchTarget target) {
        this.name = name;
        this.target = target;
    }

    @Override
    public long refusedWrites() {
        return refused.get();
    }

    @Override
    public long create(String key, byte[] value) {
        return retried(() -> target.create(key, value));
    }

    @Override
    public long update(String key, byte[] value, long expectedModRevision) {
        return retried(() -> target.update(key, value, expectedModRevision));
    }

    private long retried(Supplier<Long> write) {
        for (int attempt = 1;; attempt++) {
            try {
                return write.get();
            } catch (RuntimeException e) {
                if (!unavailable(e) || attempt == ATTEMPTS) {
                    throw e;
                }
                if (refused.incrementAndGet() <= 5) {
                    System.err.printf("[%s]   write refused, retrying: %s%n", name, e.getMessage());
                }
                try {
                    Thread.sleep(PAUSE_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static boolean unavailable(RuntimeException e) {
        return e instanceof DatastoreUnavailableException
                || Status.fromThrowable(e).getCode() == Status.Code.UNAVAILABLE;
    }

    @Override
    public boolean get(String key) {
        return target.get(key);
    }

    @Override
    public int list(String prefix) {
        return target.list(prefix);
    }

    @Override
    public AutoCloseable watch(String prefix, LongConsumer onEvent) {
        return target.watch(prefix, onEvent);
    }

    @Override
    public boolean compactedPast(long revision) {
        return target.compactedPast(revision);
    }

    @Override
    public long currentRevision() {
        return target.currentRevision();
    }

    @Override
    public long dbBytesInUse() {
        return target.dbBytesInUse();
    }

    @Override
    public boolean defragment() {
        return target.defragment();
    }

    @Override
    public void close() {
        target.close();
    }
}
