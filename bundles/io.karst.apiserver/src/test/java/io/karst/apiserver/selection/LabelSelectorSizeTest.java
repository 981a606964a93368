package io.karst.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

import org.junit.jupiter.api.Test;

class LabelSelectorSizeTest {
    private static final int MEGABYTE = 1 << 20;

    @Test
    void aMegabyteOfRequirementsIsRefusedQuicklyWithTheLimitNamed() {
        String selector = "a=b,".repeat(MEGABYTE / 4);
        InvalidSelectorException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(InvalidSelectorException.class, () -> LabelSelector.parse(selector)));
        assertEquals("label selector has more than 1000 requirements, the most this server accepts", e.getMessage());
    }

    @Test
    void theLimitIsExactlyOneThousandRequirements() {
        StringJoiner atLimit = new StringJoiner(",");
        for (int i = 0; i < 1000; i++) {
            atLimit.add("k" + i + "=v");
        }
        assertEquals(1000, LabelSelector.parse(atLimit.toString()).requirements().size());
        assertThrows(InvalidSelectorException.class, () -> LabelSelector.parse(atLimit + ",one=more"));
    }

    @Test
    void aMegabyteLongValueIsRejectedByLengthInLinearTime() {
        String selector = "a=" + "x".repeat(MEGABYTE);
        InvalidSelectorException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(InvalidSelectorException.class, () -> LabelSelector.parse(selector)));
        assertTrue(e.getMessage().endsWith("\": must be no more than 63 characters"));
    }

    @Test
    void aMegabyteOfNearlyValidKeyCharactersDoesNotBacktrack() {
        String selector = "a" + "-".repeat(MEGABYTE) + "!";
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(InvalidSelectorException.class, () -> LabelSelector.parse(selector)));
    }

    @Test
    void aLargeInSetIsAcceptedAndMatchedByLookup() {
        StringJoiner values = new StringJoiner(",", "name in (", ")");
        for (int i = 0; i < 100_000; i++) {
            values.add("pod-" + i);
        }
        LabelSelector s = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> LabelSelector.parse(values.toString()));
        assertTrue(s.matches(Map.of("name", "pod-99999")));
        assertTrue(!s.matches(Map.of("name", "pod-100000")));
    }
}
