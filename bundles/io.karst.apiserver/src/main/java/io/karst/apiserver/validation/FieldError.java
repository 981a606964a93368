package io.karst.apiserver.validation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One field-level validation error, as upstream's {@code field.Error}. {@link #toString()} is the exact text
 * upstream prints ({@code metadata.name: Invalid value: "Foo_Bar": a lowercase RFC 1123 ...}); {@link #body()}
 * is that text without the field, which is what {@code Status.details.causes[].message} carries.
 *
 * @param type     what kind of error
 * @param field    the field path as text
 * @param badValue the offending value (see {@link GoValues} for how it prints)
 * @param detail   the explanation, possibly empty
 */
public record FieldError(ErrorType type, String field, Object badValue, String detail) {

    public FieldError {
        detail = detail == null ? "" : detail;
    }

    public static FieldError required(FieldPath path, String detail) {
        return new FieldError(ErrorType.REQUIRED, path.toString(), "", detail);
    }

    public static FieldError invalid(FieldPath path, Object value, String detail) {
        return new FieldError(ErrorType.INVALID, path.toString(), value, detail);
    }

    public static FieldError notSupported(FieldPath path, Object value, List<String> validValues) {
        String detail = validValues.isEmpty() ? ""
                : "supported values: " + validValues.stream().map(GoValues::quote).collect(Collectors.joining(", "));
        return new FieldError(ErrorType.NOT_SUPPORTED, path.toString(), value, detail);
    }

    public static FieldError duplicate(FieldPath path, Object value) {
        return new FieldError(ErrorType.DUPLICATE, path.toString(), value, "");
    }

    public static FieldError notFound(FieldPath path, Object value) {
        return new FieldError(ErrorType.NOT_FOUND, path.toString(), value, "");
    }

    public static FieldError forbidden(FieldPath path, String detail) {
        return new FieldError(ErrorType.FORBIDDEN, path.toString(), "", detail);
    }

    /** Upstream's {@code TooLong}: the value itself is never shown. */
    public static FieldError tooLong(FieldPath path, int maxBytes) {
        String detail = maxBytes >= 0 ? "may not be more than " + maxBytes + " bytes" : "value is too long";
        return new FieldError(ErrorType.TOO_LONG, path.toString(), "<value omitted>", detail);
    }

    public static FieldError tooMany(FieldPath path, int actual, int max) {
        String detail = max >= 0 ? "must have at most " + max + " items" : "has too many items";
        return new FieldError(ErrorType.TOO_MANY, path.toString(), actual >= 0 ? (Object) actual : GoValues.OMIT,
                detail);
    }

    public static FieldError internal(FieldPath path, String message) {
        return new FieldError(ErrorType.INTERNAL, path.toString(), null, message);
    }

    /** The text without the field path. */
    public String body() {
        String s;
        if (!type.showsValue() || badValue == GoValues.OMIT) {
            s = type.label();
        } else {
            s = type.label() + ": " + GoValues.format(badValue);
        }
        return detail.isEmpty() ? s : s + ": " + detail;
    }

    /** The CauseType name for {@code Status.details.causes[].reason}. */
    public String reason() {
        return type.reason();
    }

    @Override
    public String toString() {
        return field + ": " + body();
    }
}
