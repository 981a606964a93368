package io.karst.api.client;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives one watch's events. Calls for one watch never overlap, arrive in order, and never on the caller's
 * thread nor on a thread the datastore needs, so a watcher may take its time (a watcher that falls far behind has
 * its watch ended, as a slow HTTP client does, and lists again).
 */
@ConsumerType
public interface Watcher {

    /** The next event. An {@code ERROR} event is always the last one and is followed by {@link #onClose}. */
    void onEvent(ResourceEvent event);

    /**
     * The watch ended and no event follows; called exactly once. {@code cause} is {@code null} when the owner
     * closed it or the server ended it in the ordinary way (its timeout): the owner may watch again from the last
     * resourceVersion it saw. Otherwise it is the failure an ERROR event reported, e.g. a 410 ({@link
     * ResourceException#isGone()}) when that resourceVersion has been compacted: the owner lists again.
     */
    default void onClose(ResourceException cause) {
    }
}
