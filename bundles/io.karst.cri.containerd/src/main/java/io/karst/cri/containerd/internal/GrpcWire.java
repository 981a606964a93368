package io.karst.cri.containerd.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What gRPC over HTTP/2 puts around a protobuf message (PROTOCOL-HTTP2.md): the 5-byte prefix of a message, the
 * {@code grpc-timeout} header, the percent-encoded {@code grpc-message} trailer. Only what unary calls to a CRI
 * runtime need: no compression is asked for, so none is accepted.
 */
final class GrpcWire {
    private GrpcWire() {
    }

    /** A length-prefixed message: the uncompressed flag (0) and the message's length, 4 bytes big-endian. */
    static byte[] frame(byte[] message) {
        byte[] framed = new byte[5 + message.length];
        framed[1] = (byte) (message.length >>> 24);
        framed[2] = (byte) (message.length >>> 16);
        framed[3] = (byte) (message.length >>> 8);
        framed[4] = (byte) message.length;
        System.arraycopy(message, 0, framed, 5, message.length);
        return framed;
    }

    /**
     * The one message of a unary answer's body.
     *
     * @throws GrpcStatusException INTERNAL for no message, a truncated one, more than one or a compressed one
     */
    static byte[] unframe(byte[] body) {
        if (body.length == 0) {
            throw new GrpcStatusException(GrpcStatusException.INTERNAL, "no response message in a unary call");
        }
        if (body.length < 5) {
            throw new GrpcStatusException(GrpcStatusException.INTERNAL, "a truncated response message");
        }
        if (body[0] != 0) {
            throw new GrpcStatusException(GrpcStatusException.INTERNAL,
                    "a compressed response message, though no compression was accepted");
        }
        long length = ((body[1] & 0xffL) << 24) | ((body[2] & 0xff) << 16) | ((body[3] & 0xff) << 8) | (body[4] & 0xff);
        if (body.length < 5 + length) {
            throw new GrpcStatusException(GrpcStatusException.INTERNAL, "a truncated response message");
        }
        if (body.length > 5 + length) {
            throw new GrpcStatusException(GrpcStatusException.INTERNAL, "more than one response message in a unary "
                    + "call");
        }
        byte[] message = new byte[(int) length];
        System.arraycopy(body, 5, message, 0, message.length);
        return message;
    }

    /** The {@code grpc-timeout} header: at most 8 digits and a unit, the finest unit that fits. */
    static String timeout(long nanos) {
        long n = Math.max(1, nanos);
        if (n <= 99_999_999L) {
            return n + "n";
        }
        long micros = TimeUnit.NANOSECONDS.toMicros(n);
        if (micros <= 99_999_999L) {
            return micros + "u";
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(n);
        if (millis <= 99_999_999L) {
            return millis + "m";
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(n);
        return seconds <= 99_999_999L ? seconds + "S" : Math.min(TimeUnit.NANOSECONDS.toMinutes(n), 99_999_999L) + "M";
    }

    /** {@code grpc-message} is percent-encoded UTF-8. */
    static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length) {
                int hi = Character.digit(bytes[i + 1], 16);
                int lo = Character.digit(bytes[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out.write(bytes[i]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
