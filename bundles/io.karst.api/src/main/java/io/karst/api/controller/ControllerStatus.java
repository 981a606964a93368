package io.karst.api.controller;

import java.time.Instant;

/**
 * One controller as the runtime sees it.
 *
 * @param name the controller's name
 * @param running whether it runs here (this server leads and the controller has started)
 * @param queueDepth keys waiting
 * @param lastError the message of the last failed reconcile; {@code null} when none failed
 * @param lastErrorTime when it failed; {@code null} when none failed
 */
public record ControllerStatus(String name, boolean running, int queueDepth, String lastError,
        Instant lastErrorTime) {
}
