package io.karst.apiserver.table;

import java.time.Duration;

/**
 * Durations for humans exactly as upstream's {@code k8s.io/apimachinery/pkg/util/duration} writes them: two to
 * three significant figures ({@code 45s}, {@code 3m2s}, {@code 5h10m}, {@code 2d3h}, {@code 3y10d}), {@code 0s}
 * for a clock skew of up to two seconds into the future, {@code <invalid>} beyond that.
 */
public final class HumanDuration {
    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;

    private HumanDuration() {
    }

    /** Upstream's {@code HumanDuration}, used for AGE and every other duration in Tables. */
    public static String format(Duration d) {
        long nanos = saturatedNanos(d);
        long seconds = nanos / SECOND; // Go's int(d.Seconds()) truncates toward zero
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = nanos / MINUTE;
        if (minutes < 10) {
            long s = (nanos / SECOND) % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = nanos / HOUR;
        if (hours < 8) {
            long m = (nanos / MINUTE) % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }

    /** Upstream's {@code ShortHumanDuration}: one unit only ({@code 59s}, {@code 5m}, {@code 3h}, {@code 2d}). */
    public static String formatShort(Duration d) {
        long nanos = saturatedNanos(d);
        long seconds = nanos / SECOND;
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60) {
            return seconds + "s";
        }
        long minutes = nanos / MINUTE;
        if (minutes < 60) {
            return minutes + "m";
        }
        long hours = nanos / HOUR;
        if (hours < 24) {
            return hours + "h";
        } else if (hours < 24 * 365) {
            return hours / 24 + "d";
        }
        return hours / 24 / 365 + "y";
    }

    /** Go durations are int64 nanoseconds (about 292 years); clamp as time.Sub does. */
    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
