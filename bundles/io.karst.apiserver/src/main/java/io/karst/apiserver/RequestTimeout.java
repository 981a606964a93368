package io.karst.apiserver;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.karst.apiserver.status.ApiException;

/** The {@code timeout} query parameter: a Go duration such as {@code 30s}, {@code 1m30s} or {@code 500ms}. */
final class RequestTimeout {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private RequestTimeout() {
    }

    static Duration of(List<String> values, Duration fallback) {
        if (values == null || values.isEmpty() || values.get(0).isEmpty()) {
            return fallback;
        }
        String text = values.get(0);
        Matcher m = PART.matcher(text);
        double millis = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1000;
                case "m" -> n * 60_000;
                default -> n * 3_600_000;
            };
            end = m.end();
        }
        if (end != text.length() || end == 0) {
            throw ApiException.badRequest("invalid timeout \"" + text + "\": a duration such as 30s or 1m");
        }
        return millis <= 0 ? fallback : Duration.ofMillis((long) millis);
    }
}
