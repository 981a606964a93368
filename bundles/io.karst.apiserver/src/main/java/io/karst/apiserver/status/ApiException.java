package io.karst.apiserver.status;

import java.util.List;

/**
 * A request that fails with a Kubernetes {@code Status}: HTTP code, upstream reason, message a person can act
 * on, and the details clients read (name, group, kind, field causes, retry-after). Every failure of the resource
 * API is one of these, built here, so status codes and wording are decided in one place.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;
    private final transient Details details;
    private final String continueToken;

    public ApiException(int code, String reason, String message, Details details) {
        this(code, reason, message, details, null);
    }

    /** @param continueToken for a 410 on a paginated list: a token to finish the list inconsistently, or null */
    public ApiException(int code, String reason, String message, Details details, String continueToken) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.details = details;
        this.continueToken = continueToken;
    }

    /** The {@code metadata.continue} of the Status, or null. */
    public String continueToken() {
        return continueToken;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** {@code null} when the Status carries no details. */
    public Details details() {
        return details;
    }

    /** Status details as upstream fills them; any part may be empty. */
    public record Details(String name, String group, String kind, List<Cause> causes, int retryAfterSeconds) {
        public Details {
            causes = causes == null ? List.of() : List.copyOf(causes);
        }

        public static Details of(String name, String group, String kind) {
            return new Details(name, group, kind, List.of(), 0);
        }
    }

    /** One field-level cause ({@code reason} such as {@code FieldValueInvalid}). */
    public record Cause(String reason, String message, String field) {
    }

    /** {@code pods} for core, {@code deployments.apps} otherwise: how upstream names a resource in messages. */
    public static String qualified(String resource, String group) {
        return group == null || group.isEmpty() ? resource : resource + "." + group;
    }

    public static ApiException notFound(String resource, String group, String name) {
        return new ApiException(404, "NotFound", qualified(resource, group) + " \"" + name + "\" not found",
                Details.of(name, group, resource));
    }

    public static ApiException alreadyExists(String resource, String group, String name) {
        return new ApiException(409, "AlreadyExists",
                qualified(resource, group) + " \"" + name + "\" already exists", Details.of(name, group, resource));
    }

    public static ApiException conflict(String resource, String group, String name, String why) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + qualified(resource, group)
                + " \"" + name + "\": " + why, Details.of(name, group, resource));
    }

    /** The optimistic-concurrency conflict, in upstream's words. */
    public static ApiException modified(String resource, String group, String name) {
        return conflict(resource, group, name,
                "the object has been modified; please apply your changes to the latest version and try again");
    }

    /** 422: {@code Kind "name" is invalid: ...} with one cause per field error. */
    public static ApiException invalid(String kind, String group, String name, List<Cause> causes) {
        StringBuilder message = new StringBuilder();
        message.append(kind).append(" \"").append(name).append("\" is invalid: ");
        if (causes.size() == 1) {
            message.append(causes.get(0).message() == null ? "" : describe(causes.get(0)));
        } else {
            message.append('[');
            for (int i = 0; i < causes.size(); i++) {
                message.append(i == 0 ? "" : ", ").append(describe(causes.get(i)));
            }
            message.append(']');
        }
        return new ApiException(422, "Invalid", message.toString(),
                new Details(name, group, kind, causes, 0));
    }

    private static String describe(Cause cause) {
        return cause.field() == null || cause.field().isEmpty() ? cause.message()
                : cause.field() + ": " + cause.message();
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message, null);
    }

    public static ApiException forbidden(String resource, String group, String name, String why) {
        String target = name == null || name.isEmpty() ? qualified(resource, group)
                : qualified(resource, group) + " \"" + name + "\"";
        return new ApiException(403, "Forbidden", target + " is forbidden: " + why,
                Details.of(name, group, resource));
    }

    public static ApiException methodNotAllowed() {
        return new ApiException(405, "MethodNotAllowed",
                "the server does not allow this method on the requested resource", null);
    }

    /** 410 for a watch or list at a compacted revision. */
    public static ApiException expired(String message) {
        return new ApiException(410, "Expired", message, null);
    }

    public static ApiException gone(String message) {
        return new ApiException(410, "Gone", message, null);
    }

    public static ApiException unsupportedMediaType(String contentType) {
        return new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                + "accepted media types include: application/json, application/yaml", null);
    }

    public static ApiException notAcceptable(String accepted) {
        return new ApiException(406, "NotAcceptable",
                "only the following media types are accepted: " + accepted, null);
    }

    public static ApiException tooManyRequests(int retryAfterSeconds) {
        return new ApiException(429, "TooManyRequests", "Too many requests, please try again later.",
                new Details(null, null, null, List.of(), retryAfterSeconds));
    }

    public static ApiException timeout(String message) {
        return new ApiException(504, "Timeout", message, null);
    }

    public static ApiException serviceUnavailable(String message) {
        return new ApiException(503, "ServiceUnavailable", message, null);
    }

    public static ApiException internal(String message) {
        return new ApiException(500, "InternalError", "Internal error occurred: " + message, null);
    }

    /** The unknown resource/path answer of kube-apiserver. */
    public static ApiException notFoundPath() {
        return new ApiException(404, "NotFound", "the server could not find the requested resource", null);
    }
}
