package io.karst.apiserver.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.selection.ListOptions;
import io.karst.apiserver.storage.ObjectStore;

/**
 * The reads a write makes of other objects (the namespace of a new object, PriorityClasses, LimitRanges), served
 * by the watch cache where upstream's admission plugins read their informers, and by the datastore otherwise.
 * Read from the datastore, a pod's creation made three reads that queued for its few reader connections behind
 * every other read: ~28 ms each at 200 pods/s (bench/scale, JFR), which set the pace of pod creation.
 */
public final class CachedReads {
    private final ObjectStore store;
    /** Null: every read goes to the datastore. */
    private final WatchCaches caches;

    public CachedReads(ObjectStore store, WatchCaches caches) {
        this.store = store;
        this.caches = caches;
    }

    /** Reads that all go to the datastore, for stacks without a watch cache. */
    public static CachedReads uncached(ObjectStore store) {
        return new CachedReads(store, null);
    }

    /**
     * The object as the watch cache has it when it has one that is {@code enough} for the caller (upstream's
     * lister); otherwise as the datastore has it now (upstream's live lookup when the informer has not seen it).
     */
    public Optional<ObjectNode> find(ResourceType type, String namespace, String name, Predicate<ObjectNode> enough) {
        if (caches != null) {
            Optional<ObjectStore.Page> cached = caches.list(type, namespace, ListOptions.anyRevision(),
                    o -> name.equals(o.path("metadata").path("name").asText()));
            if (cached.isPresent() && !cached.get().items().isEmpty() && enough.test(cached.get().items().get(0))) {
                return Optional.of(cached.get().items().get(0));
            }
        }
        return store.find(type, namespace, name);
    }

    /**
     * The objects of the resource in {@code namespace}: as the watch cache has them when it has any (upstream's
     * lister); when it has none, as of the datastore's current revision, so that one written just before is not
     * missed (from the cache once it caught up with that revision, else from the datastore).
     */
    public List<ObjectNode> list(ResourceType type, String namespace) {
        if (caches != null) {
            Optional<ObjectStore.Page> cached = caches.list(type, namespace, ListOptions.anyRevision(), o -> true);
            if (cached.isPresent() && !cached.get().items().isEmpty()) {
                return cached.get().items();
            }
            Optional<ObjectStore.Page> current = caches.list(type, namespace, ListOptions.defaults(), o -> true);
            if (current.isPresent()) {
                return current.get().items();
            }
        }
        List<ObjectNode> items = new ArrayList<>();
        store.forEach(type, namespace, items::add);
        return items;
    }
}
