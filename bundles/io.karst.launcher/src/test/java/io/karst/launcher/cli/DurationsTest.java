package io.karst.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"0, PT0S", "30m, PT30M", "24h, PT24H", "1h30m, PT1H30M", "1.5h, PT1H30M", "90s, PT1M30S",
        "500ms, PT0.5S", "2h45m30s250ms, PT2H45M30.25S", ".5m, PT30S"})
    void parsesGoDurations(String text, Duration expected) {
        assertEquals(expected, Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "-1h", "1w", "h", "1h 30m", "1H", "1us", "30mm"})
    void rejectsAnythingElse(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertEquals("invalid duration \"" + text + "\": " + Durations.EXPECTED, e.getMessage());
    }

    @Test
    void daysGetAHintInHours() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("7d"));

        assertEquals("invalid duration \"7d\": " + Durations.EXPECTED + "; days are not a unit, write 168h",
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"PT45S, 45s", "PT59M59S, 59m", "PT23H59M, 23h", "PT47H59M, 47h", "PT48H, 2d", "P400D, 400d",
        "P3000D, 8y", "PT-0.5S, 0s", "PT-5S, <invalid>"})
    void rendersShortHumanDurationsAsKubectl(Duration duration, String expected) {
        assertEquals(expected, Durations.shortHuman(duration));
    }
}
