package io.karst.api.node;

/** The container runtime refused a request or could not be reached; the message is the runtime's. */
public class ContainerRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ContainerRuntimeException(String message) {
        super(message);
    }

    public ContainerRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
