package io.karst.api.node;

/**
 * A container or sandbox that is not running on this node, so no exec, attach or port forwarding can reach it
 * (upstream's kubelet answers {@code container not found ("c")}); the message says which.
 */
public class StreamNotAvailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StreamNotAvailableException(String message) {
        super(message);
    }
}
