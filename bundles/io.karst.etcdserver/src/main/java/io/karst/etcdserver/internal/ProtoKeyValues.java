package io.karst.etcdserver.internal;

import com.google.protobuf.UnsafeByteOperations;

import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.WatchEvent;
import io.karst.etcdserver.internal.mvccpb.Event;

/** The store's key-values and events as etcd's {@code mvccpb} messages. */
final class ProtoKeyValues {
    private ProtoKeyValues() {
    }

    static io.karst.etcdserver.internal.mvccpb.KeyValue of(KeyValue kv) {
        return of(kv, false);
    }

    static io.karst.etcdserver.internal.mvccpb.KeyValue of(KeyValue kv, boolean keysOnly) {
        io.karst.etcdserver.internal.mvccpb.KeyValue.Builder proto = io.karst.etcdserver.internal.mvccpb.KeyValue
                .newBuilder()
                .setKey(KeySelection.bytes(kv.key()))
                .setCreateRevision(kv.createRevision())
                .setModRevision(kv.modRevision())
                .setVersion(kv.version())
                .setLease(kv.lease());
        if (!keysOnly) {
            // values are shared, never modified (KeyValue's contract), so wrapping without a copy is safe
            proto.setValue(UnsafeByteOperations.unsafeWrap(kv.value()));
        }
        return proto.build();
    }

    static Event of(WatchEvent event, boolean withPrevKv) {
        Event.Builder proto = Event.newBuilder()
                .setType(event.type() == WatchEvent.Type.PUT ? Event.EventType.PUT : Event.EventType.DELETE)
                .setKv(of(event.kv()));
        if (withPrevKv && event.prevKv() != null) {
            proto.setPrevKv(of(event.prevKv()));
        }
        return proto.build();
    }
}
