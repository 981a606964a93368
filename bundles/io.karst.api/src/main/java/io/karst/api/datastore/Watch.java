package io.karst.api.datastore;

import org.osgi.annotation.versioning.ProviderType;

/** A running watch; closing it stops delivery, after which the listener gets {@code onClosed(null)}. */
@ProviderType
public interface Watch extends AutoCloseable {

    /** Unique among this store's watches. */
    long id();

    /** Idempotent. Does not throw. */
    @Override
    void close();
}
