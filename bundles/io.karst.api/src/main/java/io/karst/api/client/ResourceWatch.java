package io.karst.api.client;

import org.osgi.annotation.versioning.ProviderType;

/** A running watch. */
@ProviderType
public interface ResourceWatch extends AutoCloseable {

    /**
     * Stops the watch: events not yet delivered are dropped and the watcher gets {@code onClose(null)} unless it
     * has already been closed. Idempotent; does not throw.
     */
    @Override
    void close();
}
