package io.karst.datastore.sqlite.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class StatusTextTest {
    @Test
    void sizesUseBinaryUnitsAndAnUnknownSizeSaysSo() {
        assertEquals("512 B", StatusText.size(512));
        assertEquals("1.5 KiB", StatusText.size(1536));
        assertEquals("64.0 MiB", StatusText.size(64L * 1024 * 1024));
        assertEquals("unknown", StatusText.size(-1));
    }

    @Test
    void aStoreThatHasNotCompactedSinceStartSaysSoRatherThanShowingBlanks() {
        assertEquals("none since start", StatusText.instant(null));
        assertEquals("-", StatusText.duration(null));
        assertEquals("2025-01-01T00:00:01Z", StatusText.instant(Instant.parse("2025-01-01T00:00:01.750Z")));
        assertEquals("250ms", StatusText.duration(Duration.ofMillis(250)));
        assertEquals("2.5s", StatusText.duration(Duration.ofMillis(2500)));
    }
}
