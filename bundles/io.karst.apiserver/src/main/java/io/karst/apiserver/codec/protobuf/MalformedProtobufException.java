package io.karst.apiserver.codec.protobuf;

/** A request body that claims the protobuf media type but is not a valid enveloped object (answered with 400). */
public final class MalformedProtobufException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public MalformedProtobufException(String message) {
        super(message);
    }

    public MalformedProtobufException(String message, Throwable cause) {
        super(message, cause);
    }
}
