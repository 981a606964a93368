package io.karst.datastore.sqlite.command;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The status figures as an operator reads them. */
final class StatusText {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private StatusText() {
    }

    static String size(long bytes) {
        if (bytes < 0) {
            return "unknown";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** Said in words rather than left blank: the figure only covers the time since the store started. */
    static String instant(Instant instant) {
        return instant == null ? "none since start" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String duration(Duration duration) {
        if (duration == null) {
            return "-";
        }
        return duration.toMillis() < 1000 ? duration.toMillis() + "ms"
                : String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }
}
