package io.karst.grpc.wire;

import java.util.Map;

/**
 * gRPC's status codes (the {@code grpc-status} trailer, google.rpc.Code numbers) and their names in the two
 * spellings Karst prints: the specification's, which grpc-java prints too (the CRI client's errors), and grpc-go's,
 * which upstream's kubelet prints in its probes' "rpc error: code = ..." output.
 */
public final class StatusCodes {
    public static final int OK = 0;
    public static final int CANCELLED = 1;
    public static final int UNKNOWN = 2;
    public static final int INVALID_ARGUMENT = 3;
    public static final int DEADLINE_EXCEEDED = 4;
    public static final int NOT_FOUND = 5;
    public static final int ALREADY_EXISTS = 6;
    public static final int PERMISSION_DENIED = 7;
    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int FAILED_PRECONDITION = 9;
    public static final int ABORTED = 10;
    public static final int OUT_OF_RANGE = 11;
    public static final int UNIMPLEMENTED = 12;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;
    public static final int DATA_LOSS = 15;
    public static final int UNAUTHENTICATED = 16;

    /** By number, as the specification (statuscodes.md) and grpc-java spell them. */
    private static final String[] NAMES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};

    /** By number, as google.golang.org/grpc/codes spells them (note "Canceled"). */
    private static final String[] GO_NAMES = {"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded",
        "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
        "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"};

    /**
     * The code a client reads from an HTTP answer that is not gRPC (http-grpc-status-mapping.md; grpc-java and
     * grpc-go agree); any other HTTP status is UNKNOWN.
     */
    private static final Map<Integer, Integer> BY_HTTP_STATUS = Map.of(400, INTERNAL, 401, UNAUTHENTICATED,
            403, PERMISSION_DENIED, 404, UNIMPLEMENTED, 429, UNAVAILABLE, 502, UNAVAILABLE, 503, UNAVAILABLE,
            504, UNAVAILABLE);

    private StatusCodes() {
    }

    /** The specification's name ({@code NOT_FOUND}); {@code CODE(17)} for a number it does not define. */
    public static String name(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : "CODE(" + code + ")";
    }

    /** grpc-go's name ({@code NotFound}); {@code Code(17)} for a number it does not define, as grpc-go prints it. */
    public static String goName(int code) {
        return code >= 0 && code < GO_NAMES.length ? GO_NAMES[code] : "Code(" + code + ")";
    }

    /** The code for an answer with this HTTP status and no gRPC content type. */
    public static int forHttpStatus(int httpStatus) {
        return BY_HTTP_STATUS.getOrDefault(httpStatus, UNKNOWN);
    }
}
