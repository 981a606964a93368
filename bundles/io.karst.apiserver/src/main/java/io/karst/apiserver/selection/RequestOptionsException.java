package io.karst.apiserver.selection;

import java.util.List;
import java.util.Optional;

/**
 * Query parameters or an options body that kube-apiserver would refuse, described as the {@code Status} it answers
 * with: code, reason, message and, for 422 Invalid, the details with one cause per field error. The HTTP layer turns
 * it into the response; nothing here knows about HTTP.
 */
public final class RequestOptionsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** One {@code StatusCause}: reason (cause type), message (error body) and field path. */
    public record Cause(String reason, String message, String field) {
    }

    /** {@code StatusDetails} of an Invalid status: the options kind in {@code meta.k8s.io} and its causes. */
    public record Details(String group, String kind, String name, List<Cause> causes) {
    }

    private final int code;
    private final String reason;
    private final transient Details details;
    private final String continueToken;

    private RequestOptionsException(int code, String reason, String message, Details details, String continueToken) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.details = details;
        this.continueToken = continueToken;
    }

    /** 400 BadRequest, as upstream's {@code errors.NewBadRequest}. */
    public static RequestOptionsException badRequest(String message) {
        return new RequestOptionsException(400, "BadRequest", message, null, null);
    }

    /**
     * 422 Invalid for an options object (e.g. {@code ListOptions} in {@code meta.k8s.io}), as upstream's
     * {@code errors.NewInvalid}: message {@code <Kind>.<group> "<name>" is invalid: <errors>}.
     */
    public static RequestOptionsException invalid(String group, String kind, String name, List<FieldError> errors) {
        String qualifiedKind = group.isEmpty() ? kind : kind + "." + group;
        String message = qualifiedKind + " " + GoFormat.quote(name) + " is invalid";
        if (!errors.isEmpty()) {
            message += ": " + FieldError.aggregate(errors);
        }
        List<Cause> causes = errors.stream().map(e -> new Cause(e.type().reason(), e.body(), e.field())).toList();
        return new RequestOptionsException(422, "Invalid", message, new Details(group, kind, name, causes), null);
    }

    /**
     * 410 Gone with reason Expired; {@code continueToken} (may be null) goes into the status's
     * {@code metadata.continue} so a client can resume an inconsistent list.
     */
    public static RequestOptionsException expired(String message, String continueToken) {
        return new RequestOptionsException(410, "Expired", message, null, continueToken);
    }

    /** The HTTP status code. */
    public int code() {
        return code;
    }

    /** The {@code Status.reason}. */
    public String reason() {
        return reason;
    }

    /** The {@code Status.details}, present for Invalid. */
    public Optional<Details> details() {
        return Optional.ofNullable(details);
    }

    /** The {@code Status.metadata.continue}, present for an expired continue token. */
    public Optional<String> continueToken() {
        return Optional.ofNullable(continueToken);
    }
}
