package io.karst.apiserver.apply;

/** An applied configuration (or object) the schema cannot read: a field it does not declare, a duplicate key. */
final class ApplyInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ApplyInputException(String message) {
        super(message, null, false, false);
    }
}
