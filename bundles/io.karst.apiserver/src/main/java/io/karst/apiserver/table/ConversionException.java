package io.karst.apiserver.table;

/**
 * A request for a representation the server cannot give, carrying the HTTP code, the upstream {@code Status}
 * reason and message for the caller to answer with (406 NotAcceptable, or 400 BadRequest for bad Table options).
 */
public final class ConversionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;

    private ConversionException(int code, String reason, String message) {
        super(message);
        this.code = code;
        this.reason = reason;
    }

    static ConversionException notAcceptable(String message) {
        return new ConversionException(406, "NotAcceptable", message);
    }

    static ConversionException badRequest(String message) {
        return new ConversionException(400, "BadRequest", message);
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }
}
