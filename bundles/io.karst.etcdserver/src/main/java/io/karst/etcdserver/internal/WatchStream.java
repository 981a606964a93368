package io.karst.etcdserver.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.stub.StreamObserver;
import io.karst.api.datastore.CompactedException;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.Watch;
import io.karst.etcdserver.internal.etcdserverpb.WatchCreateRequest;
import io.karst.etcdserver.internal.etcdserverpb.WatchRequest;
import io.karst.etcdserver.internal.etcdserverpb.WatchResponse;

/**
 * One client's watch stream: creates and cancels store watches on request and sends their events back. All
 * sends go through {@link #send} under one lock, because a gRPC stream must not be written concurrently and the
 * store delivers each watch's events on its own threads. The lock is never held while calling the store.
 */
final class WatchStream implements StreamObserver<WatchRequest> {
    /** etcd's id for a response that belongs to no single watch (a progress report for the whole stream). */
    static final long NO_WATCH = -1;

    private final KeyValueStore store;
    private final StreamObserver<WatchResponse> responses;
    private final Map<Long, WatchRelay> relays = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final Object sending = new Object();
    private boolean ended;

    WatchStream(KeyValueStore store, StreamObserver<WatchResponse> responses) {
        this.store = store;
        this.responses = responses;
    }

    @Override
    public void onNext(WatchRequest request) {
        try {
            switch (request.getRequestUnionCase()) {
                case CREATE_REQUEST -> create(request.getCreateRequest());
                case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
                case PROGRESS_REQUEST -> progress();
                default -> {
                    // an empty request asks for nothing; etcd ignores it as well
                }
            }
        } catch (RuntimeException e) {
            closeAll();
            synchronized (sending) {
                if (!ended) {
                    ended = true;
                    responses.onError(EtcdErrors.toStatus(e));
                }
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        closeAll();
    }

    @Override
    public void onCompleted() {
        closeAll();
        synchronized (sending) {
            if (!ended) {
                ended = true;
                responses.onCompleted();
            }
        }
    }

    private void create(WatchCreateRequest request) {
        KeySelection selection = KeySelection.of(request.getKey(), request.getRangeEnd());
        long id = request.getWatchId() != 0 ? request.getWatchId() : nextFreeId();
        long startRevision = Math.max(0, request.getStartRevision());
        // What the stream may later report as progress: nothing at or below it is still to come for this watch.
        long current = store.currentRevision();
        long delivered = startRevision > 0 ? startRevision - 1 : current;
        WatchRelay relay = new WatchRelay(this, id, request, delivered);
        if (relays.putIfAbsent(id, relay) != null) {
            send(WatchResponse.newBuilder().setHeader(ResponseHeaders.at(current)).setWatchId(id).setCreated(true)
                    .setCanceled(true).setCancelReason("etcdserver: mvcc: duplicate watch ID").build());
            return;
        }
        Watch watch;
        try {
            // no lock held: the relay holds back events the store delivers before "created" is sent
            watch = store.watch(selection.asRange(), startRevision, relay);
        } catch (CompactedException compacted) {
            relays.remove(id);
            // as etcd: the watch is created, then canceled with the compaction point, which clients turn into
            // ErrCompacted and a relist
            send(created(id, current));
            send(compactedResponse(id, compacted));
            return;
        } catch (RuntimeException e) {
            relays.remove(id);
            send(created(id, current));
            send(canceled(id, EtcdErrors.toStatus(e).getStatus().getDescription()));
            return;
        }
        relay.attach(watch);
        synchronized (sending) {
            send(created(id, current));
            relay.start();
        }
    }

    private long nextFreeId() {
        long id;
        do {
            id = nextId.getAndIncrement();
        } while (relays.containsKey(id));
        return id;
    }

    private void cancel(long id) {
        WatchRelay relay = relays.remove(id);
        if (relay != null) {
            relay.close();
            send(canceled(id, ""));
        }
    }

    /**
     * Reports the revision every watch of the stream has been brought up to. It is the lowest such revision, not
     * the store's current one: the store may not have delivered the newest events yet, and a progress report
     * promises that nothing at or below it is still to come.
     */
    private void progress() {
        long revision = relays.values().stream().mapToLong(WatchRelay::delivered).min()
                .orElseGet(store::currentRevision);
        send(WatchResponse.newBuilder().setHeader(ResponseHeaders.at(revision)).setWatchId(NO_WATCH).build());
    }

    /** Called by a relay whose store watch ended on its own (compaction, store closing, listener too slow). */
    void ended(WatchRelay relay, WatchResponse last) {
        if (relays.remove(relay.id(), relay)) {
            send(last);
        }
    }

    void send(WatchResponse response) {
        synchronized (sending) {
            if (!ended) {
                responses.onNext(response);
            }
        }
    }

    Object sendLock() {
        return sending;
    }

    void closeAll() {
        for (Long id : relays.keySet()) {
            WatchRelay relay = relays.remove(id);
            if (relay != null) {
                relay.close();
            }
        }
    }

    static WatchResponse created(long id, long revision) {
        return WatchResponse.newBuilder().setHeader(ResponseHeaders.at(revision)).setWatchId(id).setCreated(true)
                .build();
    }

    static WatchResponse canceled(long id, String reason) {
        return WatchResponse.newBuilder().setHeader(ResponseHeaders.at(0)).setWatchId(id).setCanceled(true)
                .setCancelReason(reason).build();
    }

    static WatchResponse compactedResponse(long id, CompactedException compacted) {
        return WatchResponse.newBuilder().setHeader(ResponseHeaders.at(compacted.compactedRevision()))
                .setWatchId(id).setCanceled(true).setCompactRevision(compacted.compactedRevision())
                .setCancelReason(EtcdErrors.COMPACTED).build();
    }
}
