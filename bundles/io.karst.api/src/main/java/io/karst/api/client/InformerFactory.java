package io.karst.api.client;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Hands out shared informers (client-go's {@code SharedInformerFactory}): one per resource, namespace and label
 * selector, however many controllers ask, so they share one watch and one cache.
 */
@ProviderType
public interface InformerFactory {

    /**
     * The shared informer, created on first request (not started).
     *
     * @param namespace {@code null} for all namespaces
     * @param labelSelector "" for all objects
     */
    Informer informer(ResourceKey key, String namespace, String labelSelector);

    /** The shared informer of every object of the resource. */
    default Informer informer(ResourceKey key) {
        return informer(key, null, "");
    }

    /** Starts every informer handed out so far that is not running yet. */
    void start();

    /** Waits until every started informer has synced; false when {@code timeout} passed first. */
    boolean waitForSync(Duration timeout) throws InterruptedException;
}
