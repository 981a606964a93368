package io.karst.kubelet.image;

/** Image garbage collection could not free what its policy asks for, or could not tell what to free. */
public final class ImageGcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageGcException(String message) {
        super(message);
    }
}
