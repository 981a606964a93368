package io.karst.api.client;

import java.time.Duration;
import java.util.Collection;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A list-then-watch cache of one resource (client-go's shared index informer): it lists, then watches from the
 * list's resourceVersion, keeps a local copy that {@link #lister()} reads, and tells its event handlers about every
 * change. When the watch ends it watches again from the last version it saw; when that version has been compacted
 * (410) it lists again and hands the handlers what changed while it was away: onAdd for new objects, onUpdate for
 * changed ones, onDelete with {@code finalStateUnknown} for vanished ones. Failures are retried with backoff.
 *
 * <p>Informers come from an {@link InformerFactory} and are shared: add handlers and indexes, then {@link #start}.
 * They stop with their client.
 */
@ProviderType
public interface Informer {

    ResourceKey key();

    /** The namespace it caches; {@code null} for all. */
    String namespace();

    /** The label selector of its list and watch; "" for all objects. */
    String labelSelector();

    /**
     * The field selector of its list and watch; "" for all objects.
     *
     * @since 1.2
     */
    String fieldSelector();

    /** Adds a handler; one added after the informer has synced first gets onAdd for every cached object. */
    HandlerRegistration addEventHandler(ResourceEventHandler handler);

    /**
     * Adds a handler that, besides the changes, gets onUpdate(object, object) for every cached object each
     * {@code resyncPeriod}, so it reconciles everything again even when nothing changed.
     */
    HandlerRegistration addEventHandler(ResourceEventHandler handler, Duration resyncPeriod);

    /**
     * Adds an index over the cache: {@code indexFunction} gives each object's values for it (e.g. its
     * {@code spec.nodeName}), and {@link Lister#byIndex} finds objects by value. Works before and after start.
     * Informers are shared, so name an index after what it computes ({@code spec.nodeName}).
     *
     * @return false, keeping the existing index, when one of that name exists
     */
    boolean addIndex(String name, Function<ObjectNode, ? extends Collection<String>> indexFunction);

    Lister lister();

    /** Starts listing and watching; idempotent. Returns this informer. */
    Informer start();

    /** Whether the cache holds the initial list. */
    boolean hasSynced();

    /** Waits until {@link #hasSynced()}; false when {@code timeout} passed first. */
    boolean waitForSync(Duration timeout) throws InterruptedException;

    /** The resourceVersion of the last list or event processed; "" before the first list. */
    String lastSyncResourceVersion();
}
