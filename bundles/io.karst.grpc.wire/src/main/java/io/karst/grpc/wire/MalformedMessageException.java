package io.karst.grpc.wire;

/**
 * A unary reply's body that is not one readable message. It carries only the reason: each caller words it in its
 * own way (the CRI client in its errors, the kubelet's probe as grpc-go does), under status INTERNAL.
 */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the body. */
    public enum Reason {
        /** The body is empty: the call ended OK without its message. */
        NO_MESSAGE,
        /** The body ends inside the 5-byte prefix or inside the message. */
        TRUNCATED,
        /** Bytes follow the message: a second message, which a unary call does not have. */
        MORE_THAN_ONE,
        /** The message is compressed, and not with gzip in a call that accepts it. */
        COMPRESSED,
        /** The message says gzip but does not gunzip; the cause has the JDK's reason. */
        BAD_GZIP
    }

    private final Reason reason;

    MalformedMessageException(Reason reason) {
        this(reason, null);
    }

    MalformedMessageException(Reason reason, Throwable cause) {
        super(cause == null ? reason.name() : reason.name() + ": " + cause.getMessage(), cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
