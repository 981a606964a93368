package io.karst.api.client;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Hands out shared informers (client-go's {@code SharedInformerFactory}): one per resource, namespace, label
 * selector and field selector, however many controllers ask, so they share one watch and one cache.
 */
@ProviderType
public interface InformerFactory {

    /**
     * The shared informer, created on first request (not started).
     *
     * @param namespace {@code null} for all namespaces
     * @param labelSelector "" for all objects
     */
    default Informer informer(ResourceKey key, String namespace, String labelSelector) {
        return informer(key, namespace, labelSelector, "");
    }

    /**
     * The shared informer of the objects both selectors select, created on first request (not started). A field
     * selector narrows what the server sends (a kubelet watches only {@code spec.nodeName=<its node>}), so the
     * cache holds only those objects; the resource must support the fields named (a 400 from the list otherwise,
     * which the informer retries with backoff).
     *
     * @param namespace {@code null} for all namespaces
     * @param labelSelector "" for all objects
     * @param fieldSelector e.g. {@code spec.nodeName=node-1}; "" for all objects
     * @since 1.2
     */
    Informer informer(ResourceKey key, String namespace, String labelSelector, String fieldSelector);

    /** The shared informer of every object of the resource. */
    default Informer informer(ResourceKey key) {
        return informer(key, null, "");
    }

    /** Starts every informer handed out so far that is not running yet. */
    void start();

    /** Waits until every started informer has synced; false when {@code timeout} passed first. */
    boolean waitForSync(Duration timeout) throws InterruptedException;
}
