package io.karst.api.client;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A call the API refused or could not complete, carrying exactly what the HTTP API's {@code Status} carries: the
 * HTTP code, the upstream reason ({@code NotFound}, {@code Conflict}, {@code Invalid}, {@code Expired}, ...), the
 * message, and the details. Every {@link ResourceClient} reports failures this way, so a caller behaves the same
 * against the in-process and the remote client.
 */
public class ResourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;
    private final transient Details details;

    public ResourceException(int code, String reason, String message, Details details) {
        this(code, reason, message, details, null);
    }

    public ResourceException(int code, String reason, String message, Details details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.reason = reason == null ? "" : reason;
        this.details = details;
    }

    /**
     * The failure a {@code Status} object describes ({@code kind: Status}, as an error response or a watch's ERROR
     * event carries it). A Status without a code is a 500.
     */
    public static ResourceException fromStatus(JsonNode status) {
        JsonNode d = status.path("details");
        Details details = null;
        if (d.isObject()) {
            List<Cause> causes = new ArrayList<>();
            for (JsonNode c : d.path("causes")) {
                causes.add(new Cause(text(c, "reason"), text(c, "message"), text(c, "field")));
            }
            details = new Details(text(d, "name"), text(d, "group"), text(d, "kind"), text(d, "uid"), causes,
                    d.path("retryAfterSeconds").asInt(0));
        }
        return new ResourceException(status.path("code").asInt(500), text(status, "reason"),
                text(status, "message"), details);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }

    /** The HTTP status code, e.g. 404, 409, 422. */
    public int code() {
        return code;
    }

    /** The Status reason, e.g. {@code NotFound}; "" when the server gave none. */
    public String reason() {
        return reason;
    }

    /** The Status details; {@code null} when it carries none. */
    public Details details() {
        return details;
    }

    /** The object or the resource does not exist. */
    public boolean isNotFound() {
        return reason.equals("NotFound") || (reason.isEmpty() && code == 404);
    }

    /** A create found an object of that name. */
    public boolean isAlreadyExists() {
        return reason.equals("AlreadyExists");
    }

    /** A stale resourceVersion or a failed precondition: read again and retry. */
    public boolean isConflict() {
        return reason.equals("Conflict") || (reason.isEmpty() && code == 409);
    }

    /** The object failed validation; {@link Details#causes()} names the fields. */
    public boolean isInvalid() {
        return reason.equals("Invalid") || (reason.isEmpty() && code == 422);
    }

    /** 410 ({@code Expired} or {@code Gone}): the resourceVersion or continue token is compacted; list again. */
    public boolean isGone() {
        return code == 410;
    }

    public boolean isForbidden() {
        return reason.equals("Forbidden") || (reason.isEmpty() && code == 403);
    }

    /**
     * The {@code details} of a Status; any part may be empty.
     *
     * @param kind the resource or kind the failure is about, as the server names it (e.g. {@code configmaps})
     * @param retryAfterSeconds when the caller may retry (429, 503), 0 when not said
     */
    public record Details(String name, String group, String kind, String uid, List<Cause> causes,
            int retryAfterSeconds) {
        public Details {
            name = name == null ? "" : name;
            group = group == null ? "" : group;
            kind = kind == null ? "" : kind;
            uid = uid == null ? "" : uid;
            causes = causes == null ? List.of() : List.copyOf(causes);
        }
    }

    /**
     * One cause of a failure, for validation errors one per field.
     *
     * @param reason e.g. {@code FieldValueRequired}
     * @param field e.g. {@code metadata.name}
     */
    public record Cause(String reason, String message, String field) {
    }
}
