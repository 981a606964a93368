package io.karst.api.datastore;

import java.util.Objects;

/**
 * One change seen by a watch.
 *
 * @param type {@link Type#PUT} for a creation or update, {@link Type#DELETE} for a deletion or lease expiry
 * @param kv the key after the change; for a deletion, a tombstone with an empty value, version 0 and the
 *        deletion's revision as {@code modRevision}
 * @param prevKv the key before the change, {@code null} when the change created it
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prevKv) {

    public enum Type { PUT, DELETE }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
    }

    /** The revision of the change. */
    public long revision() {
        return kv.modRevision();
    }
}
