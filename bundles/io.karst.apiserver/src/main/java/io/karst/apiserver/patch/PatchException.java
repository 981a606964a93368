package io.karst.apiserver.patch;

/** A patch that cannot be applied; the write path answers it with a 422 or 400 as upstream does. */
public final class PatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PatchException(String message) {
        super(message, null, false, false);
    }
}
