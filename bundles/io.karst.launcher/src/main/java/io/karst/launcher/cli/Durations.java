package io.karst.launcher.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go's duration syntax as K3s's {@code --ttl} takes it, and kubectl's short rendering of a duration. */
final class Durations {
    private static final Pattern TERM = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ms|h|m|s)");
    private static final Map<String, Long> NANOS = Map.of("h", 3_600_000_000_000L, "m", 60_000_000_000L,
            "s", 1_000_000_000L, "ms", 1_000_000L);
    static final String EXPECTED = "expected a duration like 30m, 24h or 1h30m (units h, m, s, ms), or 0";

    private Durations() {
    }

    /**
     * Parses {@code 24h}, {@code 1h30m}, {@code 1.5h}, {@code 90s}, {@code 0}.
     *
     * @throws IllegalArgumentException with the expected form, and a hint for days which Go has no unit for
     */
    static Duration parse(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher term = TERM.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < text.length()) {
            term.region(at, text.length());
            if (!term.lookingAt()) {
                break;
            }
            nanos = nanos.add(new BigDecimal(term.group(1)).multiply(BigDecimal.valueOf(NANOS.get(term.group(2)))));
            at = term.end();
        }
        if (text.isEmpty() || at != text.length()) {
            String hint = text.matches("\\d+d") ? "; days are not a unit, write "
                    + Long.parseLong(text.substring(0, text.length() - 1)) * 24 + "h" : "";
            throw new IllegalArgumentException("invalid duration \"" + text + "\": " + EXPECTED + hint);
        }
        try {
            return Duration.ofNanos(nanos.longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\": too long");
        }
    }

    /** kubectl's ShortHumanDuration: {@code 45s}, {@code 12m}, {@code 23h}, {@code 6d}, {@code 2y}. */
    static String shortHuman(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60) {
            return seconds + "s";
        } else if (duration.toMinutes() < 60) {
            return duration.toMinutes() + "m";
        } else if (duration.toHours() < 48) {
            return duration.toHours() + "h";
        } else if (duration.toHours() < 24 * 365 * 8) {
            return duration.toDays() + "d";
        }
        return duration.toDays() / 365 + "y";
    }
}
