package io.karst.apiserver.cache;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.RangeResult;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchEvent;
import io.karst.api.datastore.WatchListener;
import io.karst.datastore.ForwardingKeyValueStore;

/** A store that counts the watches and range reads asked of it, to prove what the cache spares it. */
final class CountingStore extends ForwardingKeyValueStore {
    private final KeyValueStore delegate;
    final AtomicInteger watchesOpened = new AtomicInteger();
    final AtomicInteger watchesOpen = new AtomicInteger();
    final AtomicInteger ranges = new AtomicInteger();

    CountingStore(KeyValueStore delegate) {
        this.delegate = delegate;
    }

    @Override
    protected KeyValueStore delegate() {
        return delegate;
    }

    @Override
    public RangeResult range(KeyRange range, long revision, int limit, String continueFrom) {
        ranges.incrementAndGet();
        return super.range(range, revision, limit, continueFrom);
    }

    @Override
    public Watch watch(KeyRange range, long fromRevision, WatchListener listener) {
        Watch watch = super.watch(range, fromRevision, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                listener.onEvents(events);
            }

            @Override
            public void onClosed(DatastoreException cause) {
                watchesOpen.decrementAndGet();
                listener.onClosed(cause);
            }
        });
        watchesOpened.incrementAndGet();
        watchesOpen.incrementAndGet();
        return watch;
    }
}
