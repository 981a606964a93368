package io.karst.client.informers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.HandlerRegistration;
import io.karst.api.client.Informer;
import io.karst.api.client.ListOptions;
import io.karst.api.client.Lister;
import io.karst.api.client.ObjectList;
import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;

/**
 * A shared index informer over any {@link ResourceOperations} (it uses nothing else of the API server, so the
 * remote client can use it too). Its life is one chain of steps that never overlap: list (in pages, one snapshot),
 * replace the cache telling handlers what differs, watch from the list's version, apply each event; when a watch
 * ends, watch again from the last version seen, or list again if that version is gone (410); on other failures,
 * wait with exponential backoff and try again.
 *
 * <p>Its objects are read-only ({@link ReadOnlyTrees}): what its lister returns and what its handlers get is shared
 * with the other informers and the watch cache of an in-process client, so a consumer copies before it changes.
 */
public final class SharedInformer implements Informer {
    private static final Logger LOG = LoggerFactory.getLogger(SharedInformer.class);

    private final ResourceOperations operations;
    private final String labelSelector;
    private final String fieldSelector;
    private final Executor pool;
    private final ScheduledExecutorService timers;
    private final InformerSettings settings;
    private final InformerCache cache = new InformerCache();
    private final List<HandlerQueue> handlers = new CopyOnWriteArrayList<>();
    /** Held while the cache changes and the handlers are told, so a handler added meanwhile misses nothing. */
    private final Object dispatch = new Object();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch synced = new CountDownLatch(1);
    private volatile boolean stopped;
    private volatile String lastResourceVersion = "";
    private volatile ResourceWatch watch;
    private volatile ScheduledFuture<?> retry;
    /** Touched only by the chain of steps, which never overlap. */
    private long backoffMillis;

    /**
     * @param operations the verbs it lists and watches with, scoped to the namespace it caches
     * @param pool runs its steps and its handlers' calls
     * @param timers its retries and resyncs
     */
    public SharedInformer(ResourceOperations operations, String labelSelector, String fieldSelector, Executor pool,
            ScheduledExecutorService timers, InformerSettings settings) {
        this.operations = operations;
        this.labelSelector = labelSelector == null ? "" : labelSelector;
        this.fieldSelector = fieldSelector == null ? "" : fieldSelector;
        this.pool = pool;
        this.timers = timers;
        this.settings = settings;
    }

    @Override
    public ResourceKey key() {
        return operations.key();
    }

    @Override
    public String namespace() {
        return operations.namespace();
    }

    @Override
    public String labelSelector() {
        return labelSelector;
    }

    @Override
    public String fieldSelector() {
        return fieldSelector;
    }

    @Override
    public HandlerRegistration addEventHandler(ResourceEventHandler handler) {
        return addEventHandler(handler, Duration.ZERO);
    }

    @Override
    public HandlerRegistration addEventHandler(ResourceEventHandler handler, Duration resyncPeriod) {
        Objects.requireNonNull(handler, "handler");
        HandlerQueue queue = new HandlerQueue(handler, pool, handlers::remove);
        synchronized (dispatch) {
            handlers.add(queue);
            if (hasSynced()) {
                // A late handler first catches up with what the others have seen.
                cache.list().forEach(queue::added);
                queue.initialListQueued();
            }
        }
        long period = resyncPeriod == null ? 0 : resyncPeriod.toMillis();
        if (period > 0) {
            queue.resyncWith(timers.scheduleAtFixedRate(() -> resync(queue), period, period,
                    TimeUnit.MILLISECONDS));
        }
        return queue;
    }

    private void resync(HandlerQueue queue) {
        synchronized (dispatch) {
            if (hasSynced()) {
                for (ObjectNode object : cache.list()) {
                    queue.updated(object, object);
                }
            }
        }
    }

    @Override
    public boolean addIndex(String name, Function<ObjectNode, ? extends Collection<String>> indexFunction) {
        return cache.addIndex(Objects.requireNonNull(name, "name"), Objects.requireNonNull(indexFunction, "index"));
    }

    @Override
    public Lister lister() {
        return cache;
    }

    @Override
    public Informer start() {
        if (started.compareAndSet(false, true)) {
            next(this::relist);
        }
        return this;
    }

    public boolean isStarted() {
        return started.get();
    }

    @Override
    public boolean hasSynced() {
        return synced.getCount() == 0;
    }

    @Override
    public boolean waitForSync(Duration timeout) throws InterruptedException {
        return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String lastSyncResourceVersion() {
        return lastResourceVersion;
    }

    /** Ends the watch and the handlers' calls; the informer does not start again. */
    public void stop() {
        stopped = true;
        ScheduledFuture<?> r = retry;
        if (r != null) {
            r.cancel(false);
        }
        ResourceWatch w = watch;
        if (w != null) {
            w.close();
        }
        handlers.forEach(HandlerQueue::close);
    }

    // ---- the chain of steps ----

    private void next(Runnable step) {
        if (stopped) {
            return;
        }
        try {
            pool.execute(() -> guarded(step));
        } catch (RejectedExecutionException e) {
            stopped = true;
        }
    }

    /** A step that fails unexpectedly is retried later like a failed call, so the chain never just ends. */
    private void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (!stopped) {
                LOG.error("{} failed, retrying", this, e);
                later(this::relist);
            }
        }
    }

    private void later(Runnable step) {
        if (stopped) {
            return;
        }
        long initial = settings.initialBackoff().toMillis();
        backoffMillis = backoffMillis == 0 ? initial : Math.min(backoffMillis * 2, settings.maxBackoff().toMillis());
        try {
            retry = timers.schedule(() -> next(step), backoffMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            stopped = true;
        }
    }

    private void relist() {
        if (stopped) {
            return;
        }
        List<ObjectNode> items;
        String resourceVersion;
        try {
            ObjectList all = listAll();
            items = all.items();
            resourceVersion = all.resourceVersion();
        } catch (ResourceException e) {
            LOG.warn("listing {} failed, retrying: {}", this, e.getMessage());
            later(this::relist);
            return;
        }
        replace(items, resourceVersion);
        backoffMillis = 0;
        watchFrom(resourceVersion);
    }

    /**
     * Every object, in pages read at the first page's revision. When the history under that revision is compacted
     * between pages (410), one unpaged list, as client-go's pager falls back to.
     */
    private ObjectList listAll() {
        ListOptions options = selection().withLimit(settings.listPageSize());
        List<ObjectNode> items = new ArrayList<>();
        ObjectList page = operations.list(options);
        items.addAll(page.items());
        String resourceVersion = page.resourceVersion();
        while (page.hasMore()) {
            try {
                page = operations.list(options.withContinue(page.continueToken()));
            } catch (ResourceException e) {
                if (!e.isGone()) {
                    throw e;
                }
                return operations.list(selection());
            }
            items.addAll(page.items());
        }
        return new ObjectList(resourceVersion, "", items);
    }

    private ListOptions selection() {
        return ListOptions.NONE.withLabelSelector(labelSelector).withFieldSelector(fieldSelector);
    }

    private void watchFrom(String resourceVersion) {
        if (stopped) {
            return;
        }
        long minTimeout = Math.max(1, settings.minWatchTimeout().toSeconds());
        ListOptions options = selection()
                .withResourceVersion(resourceVersion)
                .withAllowWatchBookmarks(true)
                .withTimeoutSeconds(minTimeout + ThreadLocalRandom.current().nextLong(minTimeout));
        try {
            ResourceWatch w = operations.watch(options, new EventsWatcher());
            watch = w;
            if (stopped) {
                w.close();
            }
        } catch (ResourceException e) {
            if (e.isGone()) {
                next(this::relist);
            } else {
                LOG.warn("watching {} failed, retrying: {}", this, e.getMessage());
                later(() -> watchFrom(lastResourceVersion));
            }
        }
    }

    /** Receives the events of the current watch, one at a time, and decides what follows it. */
    private final class EventsWatcher implements Watcher {
        @Override
        public void onEvent(ResourceEvent event) {
            switch (event.type()) {
                case ADDED, MODIFIED -> upsert(ReadOnlyTrees.readOnly(event.object()));
                case DELETED -> delete(ReadOnlyTrees.readOnly(event.object()));
                case BOOKMARK -> lastResourceVersion = event.resourceVersion();
                case ERROR -> {
                    // onClose follows with the same failure
                }
            }
        }

        @Override
        public void onClose(ResourceException cause) {
            if (stopped) {
                return;
            }
            if (cause == null) {
                next(() -> watchFrom(lastResourceVersion));
            } else if (cause.isGone()) {
                LOG.debug("{}: resourceVersion {} is compacted, listing again", SharedInformer.this,
                        lastResourceVersion);
                next(SharedInformer.this::relist);
            } else {
                LOG.warn("watch of {} failed, retrying: {}", SharedInformer.this, cause.getMessage());
                later(() -> watchFrom(lastResourceVersion));
            }
        }
    }

    // ---- cache and handlers ----

    private void upsert(ObjectNode object) {
        synchronized (dispatch) {
            ObjectNode old = cache.put(object);
            lastResourceVersion = resourceVersion(object);
            for (HandlerQueue h : handlers) {
                if (old == null) {
                    h.added(object);
                } else {
                    h.updated(old, object);
                }
            }
        }
    }

    private void delete(ObjectNode object) {
        synchronized (dispatch) {
            cache.remove(object);
            lastResourceVersion = resourceVersion(object);
            for (HandlerQueue h : handlers) {
                h.deleted(object, false);
            }
        }
    }

    /**
     * Makes the cache the listed state: new objects are added, those at another resourceVersion updated, those
     * missing deleted with their final state unknown; unchanged ones are left alone.
     */
    private void replace(List<ObjectNode> items, String resourceVersion) {
        synchronized (dispatch) {
            Map<String, ObjectNode> gone = cache.snapshot();
            for (ObjectNode listed : items) {
                ObjectNode item = ReadOnlyTrees.readOnly(listed);
                ObjectNode old = gone.remove(InformerCache.keyOf(item));
                if (old == null) {
                    cache.put(item);
                    handlers.forEach(h -> h.added(item));
                } else if (!resourceVersion(old).equals(resourceVersion(item))) {
                    cache.put(item);
                    handlers.forEach(h -> h.updated(old, item));
                }
            }
            for (ObjectNode old : gone.values()) {
                cache.remove(old);
                handlers.forEach(h -> h.deleted(old, true));
            }
            lastResourceVersion = resourceVersion;
            if (!hasSynced()) {
                handlers.forEach(HandlerQueue::initialListQueued);
                synced.countDown();
            }
        }
    }

    private static String resourceVersion(ObjectNode object) {
        return object.path("metadata").path("resourceVersion").asText("");
    }

    @Override
    public String toString() {
        return "informer of " + operations.key() + (namespace() == null ? "" : " in " + namespace())
                + (labelSelector.isEmpty() ? "" : " (" + labelSelector + ")")
                + (fieldSelector.isEmpty() ? "" : " [" + fieldSelector + "]");
    }
}
