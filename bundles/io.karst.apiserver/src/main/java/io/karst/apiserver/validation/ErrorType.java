package io.karst.apiserver.validation;

/** The kinds of field error; {@link #reason()} is the cause type in {@code Status.details.causes}. */
public enum ErrorType {
    NOT_FOUND("FieldValueNotFound", "Not found", true),
    REQUIRED("FieldValueRequired", "Required value", false),
    DUPLICATE("FieldValueDuplicate", "Duplicate value", true),
    INVALID("FieldValueInvalid", "Invalid value", true),
    NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value", true),
    FORBIDDEN("FieldValueForbidden", "Forbidden", false),
    TOO_LONG("FieldValueTooLong", "Too long", false),
    TOO_MANY("FieldValueTooMany", "Too many", true),
    INTERNAL("InternalError", "Internal error", false),
    TYPE_INVALID("FieldValueTypeInvalid", "Invalid value", true);

    private final String reason;
    private final String label;
    private final boolean showsValue;

    ErrorType(String reason, String label, boolean showsValue) {
        this.reason = reason;
        this.label = label;
        this.showsValue = showsValue;
    }

    /** The {@code CauseType} upstream puts in {@code Status.details.causes[].reason}. */
    public String reason() {
        return reason;
    }

    /** The words that open the error text ("Invalid value", "Required value", ...). */
    public String label() {
        return label;
    }

    /** Whether upstream prints the offending value after the label. */
    public boolean showsValue() {
        return showsValue;
    }
}
