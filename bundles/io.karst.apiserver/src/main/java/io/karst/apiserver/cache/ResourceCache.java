package io.karst.apiserver.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.WatchEvent;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.storage.ObjectStore;
import io.karst.client.informers.ReadOnlyTrees;

/**
 * The cached objects of one datastore key prefix (one resource, whatever its versions), kube-apiserver's
 * watchCache: every object decoded once, the recent events in an {@link EventHistory}, and the watchers they are
 * queued to. It is filled from one list and kept current by the {@link StoreFeed}, which applies each change
 * under the write lock together with queueing it to the watchers, so a watcher registered under the same lock
 * gets every change after its start exactly once.
 */
final class ResourceCache {
    private enum State { LOADING, READY, FAILED }

    private final String prefix;
    private final ObjectStore store;
    private final StoreFeed feed;
    private final Executor dispatch;
    private final CacheSettings settings;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final NavigableMap<String, CachedObject> objects = new TreeMap<>(KeyRange::compare);
    private final EventHistory history;
    private final SharedManagedFields managedFields = new SharedManagedFields();
    private final List<CacheWatcher> watchers = new ArrayList<>();
    /** Changes that arrived while the list that loads the cache ran. */
    private final List<WatchEvent> early = new ArrayList<>();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private State state = State.LOADING;
    private long listRevision;
    /** The revision of the last change applied; the feed's progress may be further. */
    private volatile long appliedRevision;
    private volatile long lastUsed = System.nanoTime();

    ResourceCache(String prefix, ObjectStore store, StoreFeed feed, Executor dispatch, CacheSettings settings) {
        this.prefix = prefix;
        this.store = store;
        this.feed = feed;
        this.dispatch = dispatch;
        this.settings = settings;
        this.history = new EventHistory(settings.historyCapacity());
    }

    String prefix() {
        return prefix;
    }

    /**
     * The revision the cache has reached: every change of its objects up to it is applied. Changes elsewhere in
     * the datastore move it too, which is what lets a consistent read be served without a change of its own.
     */
    long revision() {
        return Math.max(appliedRevision, feed.deliveredRevision());
    }

    /** Fills the cache from a list read at {@code revision}, then applies what changed since. */
    void load(List<KeyValue> kvs, long revision) {
        List<Map.Entry<String, CachedObject>> decoded = new ArrayList<>(kvs.size());
        for (KeyValue kv : kvs) {
            decoded.add(Map.entry(kv.key(), new CachedObject(decodeShared(kv), kv.modRevision())));
        }
        lock.writeLock().lock();
        try {
            if (state != State.LOADING) {
                return;
            }
            for (Map.Entry<String, CachedObject> e : decoded) {
                objects.put(e.getKey(), e.getValue());
            }
            listRevision = revision;
            appliedRevision = revision;
            history.reset(revision);
            for (WatchEvent event : early) {
                applyLocked(event, decodeIfPut(event));
            }
            early.clear();
            state = State.READY;
        } finally {
            lock.writeLock().unlock();
        }
        loaded.complete(null);
    }

    /** Waits for {@link #load}; false when the cache failed instead. */
    boolean awaitLoaded() {
        try {
            loaded.join();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Applies one commit's changes under this prefix; called by the feed, one call at a time. */
    void apply(List<WatchEvent> events) {
        List<ObjectNode> decoded = new ArrayList<>(events.size());
        for (WatchEvent event : events) {
            decoded.add(decodeIfPut(event));
        }
        lock.writeLock().lock();
        try {
            if (state == State.LOADING) {
                early.addAll(events);
                return;
            }
            if (state == State.FAILED) {
                return;
            }
            for (int i = 0; i < events.size(); i++) {
                applyLocked(events.get(i), decoded.get(i));
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private ObjectNode decodeIfPut(WatchEvent event) {
        return event.type() == WatchEvent.Type.PUT ? decodeShared(event.kv()) : null;
    }

    /**
     * A stored value as the cache keeps it: decoded into freezable nodes, its managedFields shared with equal ones,
     * then frozen in place. Cached objects are handed as they are to every in-process watcher and informer (no copy
     * each), so read-only trees make a consumer that changes one without copying it fail at once instead of
     * corrupting what the others see.
     */
    private ObjectNode decodeShared(KeyValue kv) {
        return ReadOnlyTrees.freezeOwned(managedFields.share(store.decode(kv, ReadOnlyTrees.FACTORY)));
    }

    private void applyLocked(WatchEvent event, ObjectNode decoded) {
        long revision = event.revision();
        if (revision <= listRevision) {
            return; // the list already showed it
        }
        String key = event.kv().key();
        CacheEvent change;
        if (event.type() == WatchEvent.Type.DELETE) {
            CachedObject gone = objects.remove(key);
            ObjectNode previous = gone != null ? gone.object()
                    : event.prevKv() != null ? decodeShared(event.prevKv()) : null;
            if (previous == null) {
                appliedRevision = revision;
                return;
            }
            // One copy for every watcher: a DELETED event carries the deletion's revision, as upstream's does. Only
            // the root and its metadata are copied; the rest is shared with the (never modified) last state.
            ObjectNode deleted = ReadOnlyTrees.FACTORY.objectNode();
            deleted.setAll(previous);
            ObjectNode meta = ReadOnlyTrees.FACTORY.objectNode();
            if (previous.get("metadata") instanceof ObjectNode m) {
                meta.setAll(m);
            }
            meta.put("resourceVersion", Long.toString(revision));
            deleted.set("metadata", meta);
            ReadOnlyTrees.freezeOwned(deleted);
            change = new CacheEvent(key, deleted, previous, revision, true);
        } else {
            CachedObject before = objects.put(key, new CachedObject(decoded, revision));
            change = new CacheEvent(key, decoded, before == null ? null : before.object(), revision, false);
        }
        history.add(change);
        List<CacheWatcher> overflowed = null;
        for (CacheWatcher watcher : watchers) {
            if (key.startsWith(watcher.keyPrefix()) && !watcher.offer(change)) {
                if (overflowed == null) {
                    overflowed = new ArrayList<>();
                }
                overflowed.add(watcher);
            }
        }
        if (overflowed != null) {
            watchers.removeAll(overflowed);
        }
        appliedRevision = revision;
    }

    /**
     * A watcher resuming after {@code fromRevision} from the history; null when the history no longer reaches
     * back that far.
     */
    CacheWatcher watchFrom(long fromRevision, String keyPrefix, Predicate<ObjectNode> filter, WatchTarget target) {
        CacheWatcher watcher;
        lock.writeLock().lock();
        try {
            requireReady();
            if (!history.covers(fromRevision)) {
                return null;
            }
            long current = revision();
            List<CacheEvent> backlog = fromRevision >= current ? List.of() : history.after(fromRevision, keyPrefix);
            watcher = new CacheWatcher(this, keyPrefix, filter, target, dispatch, settings.watcherQueueCapacity(),
                    Math.max(current, fromRevision), fromRevision, backlog, -1);
            watchers.add(watcher);
        } finally {
            lock.writeLock().unlock();
        }
        touch();
        watcher.start();
        return watcher;
    }

    /** A watcher that first gets every object under {@code keyPrefix} as it is now. */
    CacheWatcher watchWithState(String keyPrefix, Predicate<ObjectNode> filter, WatchTarget target) {
        CacheWatcher watcher;
        lock.writeLock().lock();
        try {
            requireReady();
            long current = revision();
            Collection<Map.Entry<String, CachedObject>> entries = range(keyPrefix).entrySet();
            List<CacheEvent> state = new ArrayList<>(entries.size());
            for (Map.Entry<String, CachedObject> e : entries) {
                state.add(CacheEvent.current(e.getKey(), e.getValue()));
            }
            watcher = new CacheWatcher(this, keyPrefix, filter, target, dispatch, settings.watcherQueueCapacity(),
                    current, current, state, current);
            watchers.add(watcher);
        } finally {
            lock.writeLock().unlock();
        }
        touch();
        watcher.start();
        return watcher;
    }

    /**
     * One page of the objects under {@code keyPrefix} that pass {@code filter}, in key order, as copies.
     *
     * @param type the version to answer in: objects are converted from the stored version before the filter
     * @param limit the most objects, 0 for all
     */
    ObjectStore.Page list(ResourceType type, String keyPrefix, Predicate<ObjectNode> filter, long limit) {
        List<Map.Entry<String, CachedObject>> entries;
        long revision;
        lock.readLock().lock();
        try {
            requireReady();
            revision = revision();
            entries = new ArrayList<>(range(keyPrefix).entrySet());
        } finally {
            lock.readLock().unlock();
        }
        touch();
        // Filtering and copying need no lock: cached objects never change.
        List<ObjectNode> items = new ArrayList<>();
        String continueKey = null;
        for (int i = 0; i < entries.size(); i++) {
            ObjectNode stored = entries.get(i).getValue().object();
            ObjectNode object = type.fromStorage(stored);
            if (filter.test(object)) {
                // a converted object is a new one already
                items.add(object == stored ? object.deepCopy() : object);
                if (limit > 0 && items.size() >= limit) {
                    // As upstream's cacher: more remain when any object follows, matching or not.
                    if (i < entries.size() - 1) {
                        continueKey = entries.get(i).getKey() + '\0';
                    }
                    break;
                }
            }
        }
        return new ObjectStore.Page(items, revision, continueKey);
    }

    /** The oldest resourceVersion a watch can resume from. */
    long oldestServable() {
        lock.readLock().lock();
        try {
            return history.oldestServable();
        } finally {
            lock.readLock().unlock();
        }
    }

    private NavigableMap<String, CachedObject> range(String keyPrefix) {
        KeyRange r = KeyRange.prefix(keyPrefix);
        return r.end() == null ? objects.tailMap(r.start(), true) : objects.subMap(r.start(), true, r.end(), false);
    }

    private void requireReady() {
        if (state != State.READY) {
            throw new IllegalStateException("the cache of " + prefix + " is " + state);
        }
    }

    void remove(CacheWatcher watcher) {
        lock.writeLock().lock();
        try {
            watchers.remove(watcher);
        } finally {
            lock.writeLock().unlock();
        }
        touch();
    }

    /** Stops the cache: every watcher is ended (its client watches again) and nothing more is applied. */
    void fail() {
        List<CacheWatcher> ending;
        lock.writeLock().lock();
        try {
            state = State.FAILED;
            ending = new ArrayList<>(watchers);
            watchers.clear();
            objects.clear();
            early.clear();
        } finally {
            lock.writeLock().unlock();
        }
        loaded.completeExceptionally(new IllegalStateException("the cache of " + prefix + " stopped"));
        for (CacheWatcher watcher : ending) {
            watcher.terminate();
        }
    }

    int watcherCount() {
        lock.readLock().lock();
        try {
            return watchers.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    boolean idleSince(long nanos) {
        return lastUsed - nanos < 0 && watcherCount() == 0;
    }

    /** Marks the cache as in use, which keeps it from being stopped as idle. */
    void touch() {
        lastUsed = System.nanoTime();
    }
}
