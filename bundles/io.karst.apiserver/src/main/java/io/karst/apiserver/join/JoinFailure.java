package io.karst.apiserver.join;

/** Why a join is refused, with the HTTP code and Status reason it is answered with. */
final class JoinFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;

    JoinFailure(int code, String reason, String message) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
    }

    static JoinFailure badRequest(String field, String message) {
        return new JoinFailure(400, "BadRequest", field + ": " + message);
    }

    static JoinFailure forbidden(String message) {
        return new JoinFailure(403, "Forbidden", message);
    }

    int code() {
        return code;
    }

    String reason() {
        return reason;
    }
}
