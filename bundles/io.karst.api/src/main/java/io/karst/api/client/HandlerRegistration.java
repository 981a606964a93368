package io.karst.api.client;

import org.osgi.annotation.versioning.ProviderType;

/** An event handler added to an {@link Informer}; closing it stops the calls (those in flight finish). */
@ProviderType
public interface HandlerRegistration extends AutoCloseable {

    /** Whether the handler has been given every object of the informer's initial list (as onAdd calls). */
    boolean hasSynced();

    /** Idempotent; does not throw. */
    @Override
    void close();
}
