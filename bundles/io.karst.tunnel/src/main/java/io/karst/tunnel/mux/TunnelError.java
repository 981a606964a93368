package io.karst.tunnel.mux;

import java.io.IOException;

/**
 * The far end ended a stream with an error: {@link #reason()} says what kind (e.g. {@code LogsNotFound},
 * {@code StreamNotAvailable}, {@code ContainerRuntime}, {@code TunnelClosed}), the message is for a person.
 */
public final class TunnelError extends IOException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public TunnelError(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
