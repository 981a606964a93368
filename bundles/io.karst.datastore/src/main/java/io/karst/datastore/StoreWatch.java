package io.karst.datastore;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchEvent;
import io.karst.api.datastore.WatchListener;

/**
 * One watch. Live events queue here while the history replay or an earlier delivery runs; one delivery task at a
 * time drains the queue, which keeps the listener's calls in order and never overlapping.
 */
final class StoreWatch implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWatch.class);
    private static final int REPLAY_PAGE = 500;

    private final long id;
    private final KeyRange range;
    private final WatchListener listener;
    private final WatchHub hub;
    private final ArrayDeque<List<WatchEvent>> pending = new ArrayDeque<>();
    /** Next revision the listener has not seen; live events before it were already replayed. */
    private long nextRevision;
    private final long replayTo;
    private int pendingEvents;
    private boolean scheduled = true;
    private boolean ending;
    private DatastoreException endCause;

    StoreWatch(long id, KeyRange range, long fromRevision, long replayTo, WatchListener listener, WatchHub hub) {
        this.id = id;
        this.range = range;
        this.nextRevision = fromRevision;
        this.replayTo = replayTo;
        this.listener = listener;
        this.hub = hub;
    }

    @Override
    public long id() {
        return id;
    }

    void start() {
        schedule();
    }

    /** Called under the hub's lock with one commit's events. */
    void offer(List<WatchEvent> events) {
        List<WatchEvent> mine = null;
        for (WatchEvent event : events) {
            if (range.contains(event.kv().key())) {
                if (mine == null) {
                    mine = new ArrayList<>();
                }
                mine.add(event);
            }
        }
        if (mine == null) {
            return;
        }
        synchronized (this) {
            if (ending) {
                return;
            }
            pending.add(mine);
            pendingEvents += mine.size();
            if (pendingEvents > hub.backlog()) {
                // A listener this far behind would hold an unbounded backlog; ending the watch makes the owner
                // list again, which costs one read instead of memory without limit.
                beginEnd(new DatastoreUnavailableException("watch " + id + " fell more than " + hub.backlog()
                        + " events behind and was ended"));
            }
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule();
    }

    @Override
    public void close() {
        end(null);
    }

    void end(DatastoreException cause) {
        synchronized (this) {
            if (ending) {
                return;
            }
            beginEnd(cause);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule();
    }

    private void beginEnd(DatastoreException cause) {
        ending = true;
        endCause = cause;
        pending.clear();
        pendingEvents = 0;
    }

    private void schedule() {
        try {
            hub.delivery().execute(this::drain);
        } catch (RejectedExecutionException stopped) {
            // The store is closing and its delivery threads are gone; there is nobody left to deliver to.
            hub.remove(this);
        }
    }

    private void drain() {
        try {
            replay();
            while (true) {
                List<WatchEvent> next;
                synchronized (this) {
                    if (ending) {
                        break;
                    }
                    next = pending.poll();
                    if (next == null) {
                        scheduled = false;
                        return;
                    }
                    pendingEvents -= next.size();
                }
                deliver(next);
            }
        } catch (DatastoreException e) {
            synchronized (this) {
                if (!ending) {
                    beginEnd(e);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Watch {} listener failed; the watch is ended", id, e);
            synchronized (this) {
                if (!ending) {
                    beginEnd(new DatastoreException("watch listener failed: " + e, e));
                }
            }
        }
        finish();
    }

    /** Delivers the history from the start revision to the revision committed when the watch began. */
    private void replay() {
        while (nextRevision <= replayTo) {
            synchronized (this) {
                if (ending) {
                    return;
                }
            }
            List<WatchEvent> page = hub.history().read(range, nextRevision, replayTo, REPLAY_PAGE);
            if (page.isEmpty()) {
                nextRevision = replayTo + 1;
                return;
            }
            deliver(page);
            if (page.size() < REPLAY_PAGE) {
                nextRevision = replayTo + 1;
            }
        }
    }

    private void deliver(List<WatchEvent> events) {
        List<WatchEvent> fresh = events;
        if (events.get(0).revision() < nextRevision) {
            fresh = events.stream().filter(event -> event.revision() >= nextRevision).toList();
            if (fresh.isEmpty()) {
                return;
            }
        }
        listener.onEvents(fresh);
        nextRevision = fresh.get(fresh.size() - 1).revision() + 1;
    }

    private void finish() {
        hub.remove(this);
        DatastoreException cause;
        synchronized (this) {
            cause = endCause;
        }
        try {
            listener.onClosed(cause);
        } catch (RuntimeException e) {
            LOG.warn("Watch {} listener failed while being closed", id, e);
        }
    }
}
