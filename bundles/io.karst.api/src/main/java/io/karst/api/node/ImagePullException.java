package io.karst.api.node;

/** An image could not be pulled (no registry reachable, not found, unauthorized). */
public class ImagePullException extends ContainerRuntimeException {
    private static final long serialVersionUID = 1L;

    public ImagePullException(String message, Throwable cause) {
        super(message, cause);
    }
}
