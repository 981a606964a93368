package io.karst.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class GoFormatTest {
    @Test
    void quotingFollowsStrconvQuote() {
        assertEquals("\"plain\"", GoFormat.quote("plain"));
        assertEquals("\"a\\\"b\\\\c\"", GoFormat.quote("a\"b\\c"));
        assertEquals("\"\\n\\t\\x00\\x7f\"", GoFormat.quote("\n\t\u0000\u007f"));
        assertEquals("\"é日本\"", GoFormat.quote("é日本"));
        assertEquals("\"\\u00a0\\u200b\"", GoFormat.quote("\u00a0\u200b"));
    }

    @Test
    void stringSlicesAreRenderedLikePercentHashV() {
        assertEquals("[]string(nil)", GoFormat.stringSlice(null));
        assertEquals("[]string{}", GoFormat.stringSlice(List.of()));
        assertEquals("[]string{\"a\", \"b\"}", GoFormat.stringSlice(Arrays.asList("a", "b")));
    }

    @Test
    void int64ParsingAcceptsSignsAndOnlyAsciiDigits() {
        assertEquals(42, GoFormat.parseInt64("+42").value());
        assertEquals(-42, GoFormat.parseInt64("-42").value());
        assertEquals(Long.MIN_VALUE, GoFormat.parseInt64("-9223372036854775808").value());
        assertEquals(Long.MAX_VALUE, GoFormat.parseInt64("9223372036854775807").value());
        assertEquals("strconv.ParseInt: parsing \"9223372036854775808\": value out of range",
                GoFormat.parseInt64("9223372036854775808").error());
        assertEquals("strconv.ParseInt: parsing \"١٢\": invalid syntax", GoFormat.parseInt64("١٢").error());
        assertEquals("strconv.ParseInt: parsing \"+\": invalid syntax", GoFormat.parseInt64("+").error());
        assertEquals("strconv.ParseInt: parsing \"1_000\": invalid syntax", GoFormat.parseInt64("1_000").error());
    }

    @Test
    void overflowIsReportedEvenIfAnInvalidCharacterFollows() {
        assertEquals("strconv.ParseInt: parsing \"99999999999999999999x\": value out of range",
                GoFormat.parseInt64("99999999999999999999x").error());
    }

    @Test
    void uint64ParsingRefusesSigns() {
        assertEquals(-1L, GoFormat.parseUint64("18446744073709551615").value());
        assertFalse(GoFormat.parseUint64("+1").ok());
        assertEquals("strconv.ParseUint: parsing \"18446744073709551616\": value out of range",
                GoFormat.parseUint64("18446744073709551616").error());
    }
}
