package io.karst.grpc.wire;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

import io.karst.grpc.wire.MalformedMessageException.Reason;

/**
 * gRPC's length-prefixed message (PROTOCOL-HTTP2.md): a compressed flag byte, the message's length in 4 bytes
 * big-endian, the message. A unary call's request and reply bodies are one such message each.
 */
public final class MessageFraming {
    private static final int PREFIX = 5;

    private MessageFraming() {
    }

    /** The message with its prefix; never compressed, so no {@code grpc-encoding} header goes with it. */
    public static byte[] frame(byte[] message) {
        byte[] framed = new byte[PREFIX + message.length];
        framed[1] = (byte) (message.length >>> 24);
        framed[2] = (byte) (message.length >>> 16);
        framed[3] = (byte) (message.length >>> 8);
        framed[4] = (byte) message.length;
        System.arraycopy(message, 0, framed, PREFIX, message.length);
        return framed;
    }

    /**
     * The one message of a unary reply's body. The body is read whole before its compressed flag counts, in
     * grpc-go's order: a body that is both compressed and cut short is {@link Reason#TRUNCATED}.
     *
     * @param gzip whether a compressed message is gunzipped: the reply's {@code grpc-encoding} is {@code gzip} and
     *             the caller accepts that; otherwise a compressed message is {@link Reason#COMPRESSED}
     */
    public static byte[] unframe(byte[] body, boolean gzip) throws MalformedMessageException {
        if (body.length == 0) {
            throw new MalformedMessageException(Reason.NO_MESSAGE);
        }
        if (body.length < PREFIX) {
            throw new MalformedMessageException(Reason.TRUNCATED);
        }
        int length = ((body[1] & 0xff) << 24) | ((body[2] & 0xff) << 16) | ((body[3] & 0xff) << 8) | (body[4] & 0xff);
        // a length of 2 GiB or more reads as negative: more than any byte[] holds, so cut short too
        if (length < 0 || body.length - PREFIX < length) {
            throw new MalformedMessageException(Reason.TRUNCATED);
        }
        if (body.length - PREFIX > length) {
            throw new MalformedMessageException(Reason.MORE_THAN_ONE);
        }
        byte[] message = new byte[length];
        System.arraycopy(body, PREFIX, message, 0, length);
        if (body[0] == 0) {
            return message;
        }
        if (!gzip) {
            throw new MalformedMessageException(Reason.COMPRESSED);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(message))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new MalformedMessageException(Reason.BAD_GZIP, e);
        }
    }
}
