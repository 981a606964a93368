package io.karst.api.datastore;

import java.util.Arrays;
import java.util.Objects;

/**
 * One key at one revision, as etcd's {@code mvccpb.KeyValue}. The value array is shared, not copied, because
 * values reach 1 MiB and pass through several layers; callers must not modify it.
 *
 * @param key the key, compared and ordered by its UTF-8 bytes
 * @param value the value; empty, never {@code null}
 * @param createRevision the revision that created the key (since its last deletion)
 * @param modRevision the revision of the last change; for a deletion event's {@code kv}, the deletion's revision
 * @param version how many times the key changed since its creation, 1 on creation, 0 for a deletion
 * @param lease the lease the key is attached to, 0 for none
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version, long lease) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyValue kv && key.equals(kv.key) && Arrays.equals(value, kv.value)
                && createRevision == kv.createRevision && modRevision == kv.modRevision && version == kv.version
                && lease == kv.lease;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(value), createRevision, modRevision, version, lease);
    }

    /** Shows the value's length, not its bytes: values are large and often binary. */
    @Override
    public String toString() {
        return "KeyValue[key=" + key + ", value=" + value.length + " bytes, createRevision=" + createRevision
                + ", modRevision=" + modRevision + ", version=" + version + ", lease=" + lease + "]";
    }
}
