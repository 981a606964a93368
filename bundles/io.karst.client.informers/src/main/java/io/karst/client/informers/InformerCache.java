package io.karst.client.informers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.client.Lister;

/**
 * An informer's local store (client-go's thread-safe indexer): objects by {@code namespace/name}, plus named
 * indexes from a value to the keys of the objects whose index function returned it. A namespace index is always
 * there, so listing one namespace does not scan the others.
 */
final class InformerCache implements Lister {
    private static final Logger LOG = LoggerFactory.getLogger(InformerCache.class);
    private static final String NAMESPACE_INDEX = "namespace";

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, ObjectNode> objects = new LinkedHashMap<>();
    private final Map<String, Index> indexes = new HashMap<>();

    /** One index: its function and, per value, the keys of the objects that have it. */
    private static final class Index {
        final Function<ObjectNode, ? extends Collection<String>> function;
        final Map<String, Set<String>> keysByValue = new HashMap<>();

        Index(Function<ObjectNode, ? extends Collection<String>> function) {
            this.function = function;
        }

        void add(String key, ObjectNode object) {
            for (String value : values(object)) {
                keysByValue.computeIfAbsent(value, v -> new HashSet<>()).add(key);
            }
        }

        void remove(String key, ObjectNode object) {
            for (String value : values(object)) {
                Set<String> keys = keysByValue.get(value);
                if (keys != null) {
                    keys.remove(key);
                    if (keys.isEmpty()) {
                        keysByValue.remove(value);
                    }
                }
            }
        }

        private Collection<String> values(ObjectNode object) {
            try {
                Collection<String> values = function.apply(object);
                return values == null ? List.of() : values;
            } catch (RuntimeException e) {
                // One bad object must not corrupt the index for the others: it is just not indexed.
                LOG.warn("an index function failed on {}", keyOf(object), e);
                return List.of();
            }
        }
    }

    InformerCache() {
        indexes.put(NAMESPACE_INDEX, new Index(o -> List.of(namespaceOf(o))));
    }

    /** {@code namespace/name}, or {@code name} for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
    static String keyOf(ObjectNode object) {
        return key(namespaceOf(object), object.path("metadata").path("name").asText(""));
    }

    static String key(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    private static String namespaceOf(ObjectNode object) {
        return object.path("metadata").path("namespace").asText("");
    }

    /** Adds or replaces an object; returns the one it replaced, or null. */
    ObjectNode put(ObjectNode object) {
        String key = keyOf(object);
        lock.writeLock().lock();
        try {
            ObjectNode old = objects.put(key, object);
            for (Index index : indexes.values()) {
                if (old != null) {
                    index.remove(key, old);
                }
                index.add(key, object);
            }
            return old;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes the object with the key of {@code object}; returns what was cached, or null. */
    ObjectNode remove(ObjectNode object) {
        String key = keyOf(object);
        lock.writeLock().lock();
        try {
            ObjectNode old = objects.remove(key);
            if (old != null) {
                for (Index index : indexes.values()) {
                    index.remove(key, old);
                }
            }
            return old;
        } finally {
            lock.writeLock().unlock();
        }
    }

    boolean addIndex(String name, Function<ObjectNode, ? extends Collection<String>> function) {
        lock.writeLock().lock();
        try {
            if (indexes.containsKey(name)) {
                return false;
            }
            Index index = new Index(function);
            objects.forEach(index::add);
            indexes.put(name, index);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Every cached object by key, as of now. */
    Map<String, ObjectNode> snapshot() {
        lock.readLock().lock();
        try {
            return new LinkedHashMap<>(objects);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Optional<ObjectNode> get(String namespace, String name) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(objects.get(key(namespace, name)));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<ObjectNode> list() {
        lock.readLock().lock();
        try {
            return List.copyOf(objects.values());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<ObjectNode> list(String namespace) {
        return byIndex(NAMESPACE_INDEX, namespace == null ? "" : namespace);
    }

    @Override
    public List<ObjectNode> list(Predicate<ObjectNode> filter) {
        return list().stream().filter(filter).toList();
    }

    @Override
    public List<ObjectNode> byIndex(String indexName, String value) {
        lock.readLock().lock();
        try {
            Index index = indexes.get(indexName);
            if (index == null) {
                throw new IllegalArgumentException("no index named " + indexName);
            }
            List<ObjectNode> found = new ArrayList<>();
            for (String key : index.keysByValue.getOrDefault(value, Set.of())) {
                found.add(objects.get(key));
            }
            return found;
        } finally {
            lock.readLock().unlock();
        }
    }
}
