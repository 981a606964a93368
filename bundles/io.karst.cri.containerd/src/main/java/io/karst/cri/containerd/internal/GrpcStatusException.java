package io.karst.cri.containerd.internal;

import io.karst.grpc.wire.StatusCodes;

/**
 * A CRI call that did not end with status OK: the gRPC status code ({@link StatusCodes}) and the runtime's message
 * ({@code grpc-message}), or why the call never got an answer (the socket, a deadline).
 */
final class GrpcStatusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String description;

    GrpcStatusException(int code, String description) {
        this(code, description, null);
    }

    GrpcStatusException(int code, String description, Throwable cause) {
        super(StatusCodes.name(code) + (description == null || description.isEmpty() ? "" : ": " + description),
                cause);
        this.code = code;
        this.description = description == null || description.isEmpty() ? null : description;
    }

    int code() {
        return code;
    }

    /** The runtime's message; {@code null} when it sent none. */
    String description() {
        return description;
    }
}
