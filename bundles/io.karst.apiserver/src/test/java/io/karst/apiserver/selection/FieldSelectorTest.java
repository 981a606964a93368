package io.karst.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class FieldSelectorTest {
    private static final Map<String, String> POD = Map.of("metadata.name", "web-1", "spec.nodeName", "node-a",
            "status.phase", "Running");

    private static boolean matches(String selector, Map<String, String> fields) {
        return FieldSelector.parse(selector).matches(fields::get);
    }

    private static String error(String selector) {
        return assertThrows(InvalidSelectorException.class, () -> FieldSelector.parse(selector)).getMessage();
    }

    @Test
    void equalsDoubleEqualsAndNotEquals() {
        assertTrue(matches("spec.nodeName=node-a", POD));
        assertTrue(matches("spec.nodeName==node-a", POD));
        assertFalse(matches("spec.nodeName=node-b", POD));
        assertTrue(matches("status.phase!=Pending", POD));
        assertFalse(matches("status.phase!=Running", POD));
    }

    @Test
    void aMissingFieldReadsAsEmpty() {
        assertTrue(matches("spec.schedulerName=", POD));
        assertTrue(matches("spec.schedulerName!=x", POD));
        assertFalse(matches("spec.schedulerName=x", POD));
    }

    @Test
    void termsAreAndedAndSortedByText() {
        FieldSelector s = FieldSelector.parse("status.phase=Running,metadata.name=web-1");
        assertTrue(s.matches(POD::get));
        assertEquals("metadata.name=web-1,status.phase=Running", s.toString());
        assertFalse(matches("status.phase=Running,metadata.name=web-2", POD));
    }

    @Test
    void emptyTermsAndTheEmptySelectorSelectEverything() {
        assertTrue(FieldSelector.parse("").isEverything());
        assertEquals(1, FieldSelector.parse(",a=b,,").requirements().size());
    }

    @Test
    void escapedSeparatorsBelongToTheValue() {
        FieldSelector s = FieldSelector.parse("a=x\\,y\\=z\\\\w,b=c");
        assertEquals(List.of(new FieldRequirement("a", false, "x,y=z\\w"), new FieldRequirement("b", false, "c")),
                s.requirements());
        assertEquals("a=x\\,y\\=z\\\\w,b=c", s.toString());
    }

    @Test
    void escapeAndUnescapeAreInverse() {
        String raw = "a,b=c\\d";
        assertEquals("a\\,b\\=c\\\\d", FieldSelector.escapeValue(raw));
        assertEquals(raw, FieldSelector.unescapeValue(FieldSelector.escapeValue(raw)));
        assertEquals("plain", FieldSelector.escapeValue("plain"));
    }

    @Test
    void theFirstOperatorSplitsTheTermAndTheFieldIsTakenLiterally() {
        assertEquals(new FieldRequirement("a", true, "b"), FieldSelector.parse("a!=b").requirements().get(0));
        assertEquals(new FieldRequirement("a!b", false, "c"), FieldSelector.parse("a!b=c").requirements().get(0));
        assertEquals(new FieldRequirement(" a ", false, " b"), FieldSelector.parse(" a = b").requirements().get(0));
    }

    @Test
    void aTermWithoutOperatorIsRefused() {
        assertEquals("invalid selector: 'a=b,c'; can't understand 'c'", error("a=b,c"));
    }

    @Test
    void anUnescapedEqualsInTheValueIsRefusedWithItsCodePoint() {
        assertEquals("invalid field selector: unescaped character in value: 61", error("a=b=c"));
    }

    @Test
    void unknownEscapesAndATrailingBackslashAreRefused() {
        assertEquals("invalid field selector: invalid escape sequence: \\n", error("a=b\\n"));
        assertEquals("invalid field selector: invalid escape sequence: \\", error("a=b\\"));
    }

    @Test
    void exactMatchIsTheFirstEqualityOnTheField() {
        assertEquals(Optional.of("x"), FieldSelector.parse("metadata.name=x").requiresExactMatch("metadata.name"));
        assertEquals(Optional.empty(), FieldSelector.parse("metadata.name!=x").requiresExactMatch("metadata.name"));
    }

    @Test
    void tooManyTermsAreRefused() {
        String selector = "a=b,".repeat(1001);
        assertEquals("field selector has more than 1000 terms, the most this server accepts", error(selector));
    }
}
