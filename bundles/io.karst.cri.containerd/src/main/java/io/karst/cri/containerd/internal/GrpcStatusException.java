package io.karst.cri.containerd.internal;

/**
 * A CRI call that did not end with status OK: the gRPC status code (google.rpc.Code numbers) and the runtime's
 * message ({@code grpc-message}), or why the call never got an answer (the socket, a deadline).
 */
final class GrpcStatusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final int CANCELLED = 1;
    static final int UNKNOWN = 2;
    static final int DEADLINE_EXCEEDED = 4;
    static final int NOT_FOUND = 5;
    static final int PERMISSION_DENIED = 7;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int UNIMPLEMENTED = 12;
    static final int INTERNAL = 13;
    static final int UNAVAILABLE = 14;
    static final int UNAUTHENTICATED = 16;

    /** The codes' names by number, as grpc-java prints them. */
    private static final String[] NAMES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};

    private final int code;
    private final String description;

    GrpcStatusException(int code, String description) {
        this(code, description, null);
    }

    GrpcStatusException(int code, String description, Throwable cause) {
        super(name(code) + (description == null || description.isEmpty() ? "" : ": " + description), cause);
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

    static String name(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : "CODE(" + code + ")";
    }
}
