package io.karst.api.controller;

import java.time.Duration;
import java.util.Objects;

/**
 * What a reconcile asks of the runtime.
 *
 * @param requeueAfter when to reconcile the key again; {@code null} when done until something changes
 */
public record ReconcileResult(Duration requeueAfter) {
    public static final ReconcileResult DONE = new ReconcileResult(null);

    public static ReconcileResult after(Duration delay) {
        return new ReconcileResult(Objects.requireNonNull(delay, "delay"));
    }
}
