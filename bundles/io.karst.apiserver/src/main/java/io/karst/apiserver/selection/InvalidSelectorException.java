package io.karst.apiserver.selection;

/**
 * A label or field selector that cannot be parsed or used, with upstream's message. As a request parameter it is a
 * 400 BadRequest carrying this message ({@link ListOptions} does that mapping).
 */
public final class InvalidSelectorException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidSelectorException(String message) {
        super(message);
    }
}
