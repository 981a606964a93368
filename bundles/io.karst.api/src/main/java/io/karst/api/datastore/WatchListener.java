package io.karst.api.datastore;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives a watch's events. Calls for one watch never overlap and come on one of a few store threads shared by
 * all watches, so a listener should hand events off rather than block. A watch whose listener falls too far
 * behind is ended (see {@link #onClosed}).
 */
@ConsumerType
public interface WatchListener {

    /** The next events in revision order; all events of one revision arrive in the same call. */
    void onEvents(List<WatchEvent> events);

    /**
     * The watch ended and no event follows. {@code cause} is {@code null} when the watch was closed by its
     * owner; otherwise it says why the store ended it: a {@link CompactedException} when the history it had
     * to replay was compacted meanwhile, a {@link DatastoreUnavailableException} when the store stopped or the
     * listener fell too far behind. The owner then lists again and watches from the list's revision, as
     * kube-apiserver's reflectors do.
     */
    default void onClosed(DatastoreException cause) {
    }
}
