package io.karst.apiserver.storage.encryption;

/** A stored value that cannot be read back: its message says why and never contains key material. */
public final class TransformException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransformException(String message) {
        super(message);
    }

    public TransformException(String message, Throwable cause) {
        super(message, cause);
    }
}
