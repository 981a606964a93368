package io.karst.grpc.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The values of the gRPC headers a client writes ({@code grpc-timeout}) and reads ({@code grpc-message}). */
public final class GrpcHeaders {
    /** TimeoutValue is at most 8 ASCII digits (PROTOCOL-HTTP2.md); servers reject a longer one. */
    private static final long MAX_TIMEOUT_VALUE = 99_999_999L;

    private GrpcHeaders() {
    }

    /**
     * The {@code grpc-timeout} header for the time left: at most 8 digits and a unit, the finest unit that fits
     * (truncated, as {@link TimeUnit} converts), at least {@code 1n}; beyond 99,999,999 minutes it is capped there.
     */
    public static String timeout(long nanos) {
        long n = Math.max(1, nanos);
        if (n <= MAX_TIMEOUT_VALUE) {
            return n + "n";
        }
        long micros = TimeUnit.NANOSECONDS.toMicros(n);
        if (micros <= MAX_TIMEOUT_VALUE) {
            return micros + "u";
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(n);
        if (millis <= MAX_TIMEOUT_VALUE) {
            return millis + "m";
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(n);
        if (seconds <= MAX_TIMEOUT_VALUE) {
            return seconds + "S";
        }
        return Math.min(TimeUnit.NANOSECONDS.toMinutes(n), MAX_TIMEOUT_VALUE) + "M";
    }

    /**
     * The text of a {@code grpc-message} header, which is percent-encoded UTF-8. A {@code %} not followed by two hex
     * digits is kept as it is, as the specification asks of a receiver (never fail a call over its message).
     */
    public static String decodeMessage(String value) {
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
