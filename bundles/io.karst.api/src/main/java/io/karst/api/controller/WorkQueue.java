package io.karst.api.controller;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A controller's queue of keys (client-go's rate-limited work queue): a key waiting is queued once however often
 * it is added, and a key being reconciled is reconciled again after, not alongside.
 */
@ProviderType
public interface WorkQueue {

    void add(String key);

    /** Adds {@code key} once {@code delay} has passed. */
    void addAfter(String key, Duration delay);

    /** Keys waiting (not counting those being reconciled or delayed). */
    int depth();
}
