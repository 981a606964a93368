package io.karst.apiserver.metrics;

import java.time.Duration;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Quantity;

/** How metrics-server writes usage: CPU as a nanocore Quantity, memory as a binary-SI one, windows as Go durations. */
final class UsageFormat {
    private UsageFormat() {
    }

    /** {@code {"cpu": ..., "memory": ...}} */
    static ObjectNode usage(Usage usage) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("cpu", cpu(usage.nanoCores()));
        out.put("memory", memory(usage.memoryBytes()));
        return out;
    }

    /** Nanocores in canonical form ({@code 123456789n}, {@code 250m}, {@code 2}). */
    static String cpu(long nanoCores) {
        return Quantity.parse(nanoCores + "n").toString();
    }

    /** Bytes in binary-SI canonical form ({@code 12345678}, {@code 1024Ki}). */
    static String memory(long bytes) {
        String[] suffixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
        long value = bytes;
        int power = 0;
        while (power < 6 && value != 0 && value % 1024 == 0) {
            value /= 1024;
            power++;
        }
        return value + suffixes[power];
    }

    /** Go's {@code time.Duration.String()} for the whole milliseconds of a window: {@code 15s}, {@code 1m0.5s}. */
    static String window(Duration window) {
        long millis = window.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long minutes = millis / 60_000;
        long hours = minutes / 60;
        long restMillis = millis % 60_000;
        String seconds = restMillis % 1000 == 0 ? Long.toString(restMillis / 1000)
                : java.math.BigDecimal.valueOf(restMillis, 3).stripTrailingZeros().toPlainString();
        if (hours > 0) {
            return hours + "h" + (minutes % 60) + "m" + seconds + "s";
        }
        if (minutes > 0) {
            return minutes + "m" + seconds + "s";
        }
        return seconds + "s";
    }
}
