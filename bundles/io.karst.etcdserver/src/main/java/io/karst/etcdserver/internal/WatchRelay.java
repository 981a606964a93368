package io.karst.etcdserver.internal;

import java.util.ArrayList;
import java.util.List;

import io.karst.api.datastore.CompactedException;
import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchEvent;
import io.karst.api.datastore.WatchListener;
import io.karst.etcdserver.internal.etcdserverpb.WatchCreateRequest;
import io.karst.etcdserver.internal.etcdserverpb.WatchResponse;

/**
 * Passes one store watch's events to its client stream as etcd watch responses. Events the store delivers before
 * the stream has sent "created" are held back, since etcd clients drop events for a watch they do not know yet.
 */
final class WatchRelay implements WatchListener {
    private final WatchStream stream;
    private final long id;
    private final boolean prevKv;
    private final boolean noPut;
    private final boolean noDelete;
    /** Guarded by the stream's send lock. */
    private final List<WatchEvent> early = new ArrayList<>();
    private boolean started;
    private boolean closed;
    private volatile long delivered;
    private Watch watch;

    WatchRelay(WatchStream stream, long id, WatchCreateRequest request, long delivered) {
        this.stream = stream;
        this.id = id;
        this.prevKv = request.getPrevKv();
        this.noPut = request.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
        this.noDelete = request.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
        this.delivered = delivered;
    }

    long id() {
        return id;
    }

    /** The highest revision whose events for this watch have all been sent. */
    long delivered() {
        return delivered;
    }

    /** Hands over the store watch; closes it at once if the stream already canceled this watch. */
    void attach(Watch storeWatch) {
        boolean alreadyClosed;
        synchronized (stream.sendLock()) {
            watch = storeWatch;
            alreadyClosed = closed;
        }
        if (alreadyClosed) {
            storeWatch.close();
        }
    }

    /** Called under the stream's send lock right after "created" went out. */
    void start() {
        started = true;
        if (!early.isEmpty()) {
            sendEvents(early);
            early.clear();
        }
    }

    @Override
    public void onEvents(List<WatchEvent> events) {
        synchronized (stream.sendLock()) {
            if (closed) {
                return;
            }
            if (!started) {
                early.addAll(events);
                return;
            }
            sendEvents(events);
        }
    }

    @Override
    public void onClosed(DatastoreException cause) {
        if (cause == null) {
            return;
        }
        WatchResponse last = cause instanceof CompactedException compacted
                ? WatchStream.compactedResponse(id, compacted)
                : WatchStream.canceled(id, EtcdErrors.toStatus(cause).getStatus().getDescription());
        synchronized (stream.sendLock()) {
            closed = true;
        }
        stream.ended(this, last);
    }

    /** Ends the store watch; no event of this watch is sent after it returns. */
    void close() {
        Watch storeWatch;
        synchronized (stream.sendLock()) {
            closed = true;
            storeWatch = watch;
        }
        if (storeWatch != null) {
            storeWatch.close();
        }
    }

    private void sendEvents(List<WatchEvent> events) {
        WatchResponse.Builder response = WatchResponse.newBuilder().setWatchId(id);
        long revision = delivered;
        for (WatchEvent event : events) {
            revision = Math.max(revision, event.revision());
            boolean put = event.type() == WatchEvent.Type.PUT;
            if (put ? !noPut : !noDelete) {
                response.addEvents(ProtoKeyValues.of(event, prevKv));
            }
        }
        delivered = revision;
        if (response.getEventsCount() > 0) {
            stream.send(response.setHeader(ResponseHeaders.at(revision)).build());
        }
    }
}
