package io.karst.apiserver.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.datastore.CompactedException;
import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.FutureRevisionException;
import io.karst.api.datastore.InvalidRequestException;
import io.karst.api.datastore.KeyExistsException;
import io.karst.api.datastore.KeyNotFoundException;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.RangeResult;
import io.karst.api.datastore.RevisionConflictException;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchListener;
import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.encryption.PrefixTransformers;
import io.karst.apiserver.storage.encryption.TransformException;

/**
 * Kubernetes objects on the revisioned key-value store, laid out as kube-apiserver lays them out in etcd: one key
 * per object, JSON values without {@code metadata.resourceVersion}, which is the key's mod revision on the way
 * out. Datastore failures become {@link ApiException}s here and nowhere else.
 *
 * <p>Objects go in and come out in the version of the {@link ResourceType} asked for; a version stored as another
 * ({@link ResourceType#conversion()}) is converted here, on the way to and from the datastore, so everything above
 * works in the version the client speaks.
 */
public final class ObjectStore {
    private static final int PAGE = 500;
    private final Supplier<KeyValueStore> store;
    private final ObjectCodec codec;
    private volatile ValueTransformers transformers = ValueTransformers.NONE;

    public ObjectStore(Supplier<KeyValueStore> store, ObjectCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /** Encryption at rest from now on: writes use it, and reads of every key it covers. */
    public void transformers(ValueTransformers transformers) {
        this.transformers = transformers;
    }

    public ValueTransformers transformers() {
        return transformers;
    }

    public ObjectCodec codec() {
        return codec;
    }

    public Optional<ObjectNode> find(ResourceType type, String namespace, String name) {
        return call(type, name, () -> kv().get(type.key(namespace, name)).map(kv -> decode(type, kv)));
    }

    public ObjectNode get(ResourceType type, String namespace, String name) {
        return find(type, namespace, name)
                .orElseThrow(() -> ApiException.notFound(type.plural(), type.group(), name));
    }

    /**
     * One page of a list.
     *
     * @param revision 0 for the latest
     * @param continueKey the key to resume at, or null
     */
    public Page list(ResourceType type, String namespace, long revision, int limit, String continueKey) {
        return call(type, null, () -> {
            RangeResult result = kv().range(type.keyPrefix(namespace), revision, limit, continueKey);
            List<ObjectNode> items = new ArrayList<>(result.kvs().size());
            for (KeyValue kv : result.kvs()) {
                items.add(decode(type, kv));
            }
            return new Page(items, result.revision(), result.continueKey());
        });
    }

    /**
     * Hands every object of the resource (in {@code namespace}, or all when null) to {@code action}, read in pages
     * of 500 at the revision of the first page: a large resource is neither one huge range nor a mix of revisions.
     */
    public void forEach(ResourceType type, String namespace, Consumer<ObjectNode> action) {
        String continueKey = null;
        long revision = 0;
        do {
            Page page = list(type, namespace, revision, PAGE, continueKey);
            revision = page.revision();
            page.items().forEach(action);
            continueKey = page.continueKey();
        } while (continueKey != null);
    }

    public long count(ResourceType type, String namespace) {
        return call(type, null, () -> kv().count(type.keyPrefix(namespace)));
    }

    /** Stores a new object; returns it with its resourceVersion. */
    public ObjectNode create(ResourceType type, String namespace, String name, ObjectNode object) {
        String key = type.key(namespace, name);
        byte[] value = encode(key, type.toStorage(object));
        return call(type, name, () -> decode(type, kv().create(key, value, 0)));
    }

    /**
     * Replaces an object.
     *
     * @param expectedRevision the resourceVersion the caller read; 0 for unconditional
     */
    public ObjectNode update(ResourceType type, String namespace, String name, ObjectNode object,
            long expectedRevision) {
        String key = type.key(namespace, name);
        byte[] value = encode(key, type.toStorage(object));
        return call(type, name, () -> decode(type, kv().update(key, value, expectedRevision, 0)));
    }

    /** Removes an object; returns it as it was. */
    public ObjectNode delete(ResourceType type, String namespace, String name, long expectedRevision) {
        return call(type, name, () -> decode(type, kv().delete(type.key(namespace, name), expectedRevision)));
    }

    /**
     * Whether an object is stored other than its resource's write provider would store it now (plaintext, or an
     * older key): upstream's stale data, which an update rewrites even when the object did not change, and which
     * is how re-encryption works. False for resources without encryption, at no cost.
     */
    public boolean staleAtRest(ResourceType type, String namespace, String name) {
        String key = type.key(namespace, name);
        PrefixTransformers transformers = this.transformers.ofKey(key);
        if (transformers == null) {
            return false;
        }
        return call(type, name, () -> kv().get(key).map(kv -> !transformers.writtenByWriter(kv.value()))
                .orElse(false));
    }

    public Watch watch(ResourceType type, String namespace, long fromRevision, WatchListener listener) {
        return call(type, null, () -> kv().watch(type.keyPrefix(namespace), fromRevision, listener));
    }

    public long currentRevision() {
        return call(null, null, () -> kv().currentRevision());
    }

    public long compactedRevision() {
        return call(null, null, () -> kv().compactedRevision());
    }

    /** Decodes a stored value into the version of {@code type}, its resourceVersion the key's mod revision. */
    public ObjectNode decode(ResourceType type, KeyValue kv) {
        return type.fromStorage(decode(kv));
    }

    /**
     * Decodes a stored value as stored, its resourceVersion the key's mod revision.
     *
     * @throws ApiException 500 naming the key and the encryption key when the value cannot be decrypted
     */
    public ObjectNode decode(KeyValue kv) {
        return decode(kv, null);
    }

    /** As {@link #decode(KeyValue)}, into nodes of {@code nodes} (the default factory when null). */
    public ObjectNode decode(KeyValue kv, JsonNodeFactory nodes) {
        byte[] plain;
        try {
            plain = transformers.forKey(kv.key()).fromStorage(kv.value(), kv.key());
        } catch (TransformException e) {
            throw ApiException.internal(e.getMessage());
        }
        ObjectNode object = codec.parseStored(plain, nodes);
        metadata(object).put("resourceVersion", Long.toString(kv.modRevision()));
        return object;
    }

    /** The value to store under {@code key}: JSON without the resourceVersion, encrypted when configured. */
    public byte[] encode(String key, ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        metadata(copy).remove("resourceVersion");
        return transformers.forKey(key).toStorage(codec.encodeJson(copy), key);
    }

    private static ObjectNode metadata(ObjectNode object) {
        return object.get("metadata") instanceof ObjectNode m ? m : object.putObject("metadata");
    }

    private KeyValueStore kv() {
        KeyValueStore kv = store.get();
        if (kv == null) {
            throw ApiException.serviceUnavailable("the datastore is not available");
        }
        return kv;
    }

    private static <T> T call(ResourceType type, String name, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (KeyExistsException e) {
            throw ApiException.alreadyExists(type.plural(), type.group(), name);
        } catch (KeyNotFoundException e) {
            throw ApiException.notFound(type.plural(), type.group(), name);
        } catch (RevisionConflictException e) {
            throw ApiException.modified(type.plural(), type.group(), name);
        } catch (CompactedException e) {
            throw ApiException.expired("too old resource version: " + e.requestedRevision() + " ("
                    + e.compactedRevision() + ")");
        } catch (FutureRevisionException e) {
            throw ApiException.timeout("Too large resource version: " + e.requestedRevision() + ", current: "
                    + e.currentRevision());
        } catch (InvalidRequestException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (DatastoreUnavailableException e) {
            throw ApiException.serviceUnavailable("the datastore is not available: " + e.getMessage());
        }
    }

    /** A page of objects read at one revision; {@code continueKey} is null on the last page. */
    public record Page(List<ObjectNode> items, long revision, String continueKey) {
    }
}
