package io.karst.apiserver.selection;

import io.karst.apiserver.validation.ErrorType;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One field-level validation error, rendered exactly as upstream's {@code field.Error}: {@code <field>: <Type>[: <value>][:
 * <detail>]}. The bad value is kept already rendered in Go syntax ({@code "quoted"} strings, {@code []string{...}}
 * slices, plain numbers and booleans), since that rendering is part of the message clients see.
 *
 * @param type     the error type
 * @param field    the field path, e.g. {@code resourceVersionMatch} or {@code values[0][app]}
 * @param badValue the Go rendering of the rejected value; ignored for the types that omit it
 * @param detail   the explanation, possibly empty
 */
public record FieldError(ErrorType type, String field, String badValue, String detail) {

    /** An invalid string value. */
    public static FieldError invalid(String field, String value, String detail) {
        return new FieldError(ErrorType.INVALID, field, GoFormat.quote(value), detail);
    }

    /** An invalid value already rendered in Go syntax (a slice, a number, a boolean). */
    public static FieldError invalidRendered(String field, String renderedValue, String detail) {
        return new FieldError(ErrorType.INVALID, field, renderedValue, detail);
    }

    /** A value outside an enumeration; the supported values are listed quoted, in the given order. */
    public static FieldError notSupported(String field, String renderedValue, List<String> supported) {
        StringBuilder detail = new StringBuilder();
        if (!supported.isEmpty()) {
            detail.append("supported values: ");
            for (int i = 0; i < supported.size(); i++) {
                if (i > 0) {
                    detail.append(", ");
                }
                detail.append(GoFormat.quote(supported.get(i)));
            }
        }
        return new FieldError(ErrorType.NOT_SUPPORTED, field, renderedValue, detail.toString());
    }

    public static FieldError forbidden(String field, String detail) {
        return new FieldError(ErrorType.FORBIDDEN, field, null, detail);
    }

    public static FieldError required(String field, String detail) {
        return new FieldError(ErrorType.REQUIRED, field, null, detail);
    }

    /** The message without the field name: what upstream puts in a {@code StatusCause}'s message. */
    public String body() {
        StringBuilder s = new StringBuilder(type.label());
        if (type.showsValue()) {
            s.append(": ").append(badValue);
        }
        if (!detail.isEmpty()) {
            s.append(": ").append(detail);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return field + ": " + body();
    }

    /**
     * Upstream's aggregate of an error list: duplicates (same text) dropped, a single error as itself, several as
     * {@code [a, b]}. Returns the empty string for an empty list.
     */
    public static String aggregate(List<FieldError> errors) {
        Set<String> messages = new LinkedHashSet<>();
        for (FieldError e : errors) {
            messages.add(e.toString());
        }
        return aggregateMessages(new ArrayList<>(messages));
    }

    static String aggregateMessages(List<String> messages) {
        Set<String> unique = new LinkedHashSet<>(messages);
        if (unique.isEmpty()) {
            return "";
        }
        if (unique.size() == 1) {
            return unique.iterator().next();
        }
        return "[" + String.join(", ", unique) + "]";
    }
}
