package io.karst.apiserver.client;

import io.karst.api.client.ResourceException;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.status.StatusObject;

/**
 * How the in-process client reports failures: through the very {@code Status} object the HTTP API would send, so
 * code, reason, message and details are the same by construction, not by a second mapping kept in step.
 */
final class ClientErrors {
    private ClientErrors() {
    }

    static ResourceException of(ApiException e) {
        return ResourceException.fromStatus(StatusObject.failure(e));
    }

    /** A failure that is not an ApiException is a server bug: a 500, as the HTTP layer answers it. */
    static ResourceException internal(RuntimeException e) {
        ResourceException mapped = of(ApiException.internal(e.toString()));
        mapped.initCause(e);
        return mapped;
    }
}
