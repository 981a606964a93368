package io.karst.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class LabelSelectorParseTest {
    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front", "replicas", "5");

    private static boolean matches(String selector, Map<String, String> labels) {
        return LabelSelector.parse(selector).matches(labels);
    }

    @Test
    void equalityOperatorsMatchOnlyThePresentValue() {
        assertTrue(matches("app=web", WEB));
        assertTrue(matches("app==web", WEB));
        assertFalse(matches("app=db", WEB));
        assertFalse(matches("missing=web", WEB));
        assertEquals(LabelOperator.DOUBLE_EQUALS, LabelSelector.parse("app==web").requirements().get(0).operator());
    }

    @Test
    void notEqualsAlsoMatchesWhenTheLabelIsAbsent() {
        assertTrue(matches("app!=db", WEB));
        assertFalse(matches("app!=web", WEB));
        assertTrue(matches("missing!=x", WEB));
    }

    @Test
    void inAndNotInAreSetMembership() {
        assertTrue(matches("app in (db,web)", WEB));
        assertFalse(matches("app in (db,cache)", WEB));
        assertFalse(matches("missing in (web)", WEB));
        assertTrue(matches("app notin (db)", WEB));
        assertFalse(matches("app notin (db,web)", WEB));
        assertTrue(matches("missing notin (web)", WEB));
    }

    @Test
    void bareKeyMeansExistsAndBangMeansDoesNotExist() {
        assertTrue(matches("app", WEB));
        assertFalse(matches("missing", WEB));
        assertTrue(matches("!missing", WEB));
        assertFalse(matches("!app", WEB));
        assertEquals(LabelOperator.EXISTS, LabelSelector.parse("app").requirements().get(0).operator());
        assertEquals(LabelOperator.DOES_NOT_EXIST, LabelSelector.parse("!app").requirements().get(0).operator());
    }

    @Test
    void greaterAndLessThanCompareIntegersAndNeverMatchNonNumbers() {
        assertTrue(matches("replicas>4", WEB));
        assertFalse(matches("replicas>5", WEB));
        assertTrue(matches("replicas<6", WEB));
        assertFalse(matches("replicas<5", WEB));
        assertThrows(InvalidSelectorException.class, () -> LabelSelector.parse("replicas>-1"),
                "a negative bound is not a valid label value, upstream refuses it too");
        assertFalse(matches("app>1", WEB), "a non-numeric label never satisfies gt");
        assertFalse(matches("missing<100", WEB), "an absent label never satisfies lt");
    }

    @Test
    void allRequirementsMustHold() {
        assertTrue(matches("app=web,tier=front,!canary", WEB));
        assertFalse(matches("app=web,tier=back", WEB));
    }

    @Test
    void emptyAndBlankSelectorsMatchEverything() {
        assertTrue(LabelSelector.parse("").isEverything());
        assertTrue(LabelSelector.parse(" \t\r\n ").isEverything());
        assertTrue(LabelSelector.parse("").matches(Map.of()));
    }

    @Test
    void whitespaceAroundTokensIsIgnored() {
        LabelSelector spaced = LabelSelector.parse("  app = web ,\ttier\nin ( front , back ) , ! canary ");
        assertEquals(LabelSelector.parse("app=web,tier in (front,back),!canary"), spaced);
        assertTrue(spaced.matches(WEB));
    }

    @Test
    void inAndNotInAreOrdinaryValuesAndKeysOutsideTheOperatorPosition() {
        LabelSelector s = LabelSelector.parse("x in (in,notin),in=notin");
        assertTrue(s.matches(Map.of("x", "notin", "in", "notin")));
        assertEquals(List.of("in", "notin"), s.requirements().get(1).values());
    }

    @Test
    void emptyValuesAreAllowedAndMatchEmptyLabels() {
        assertTrue(matches("a=", Map.of("a", "")));
        assertFalse(matches("a=", Map.of("a", "x")));
        assertEquals(List.of(""), LabelSelector.parse("a in ()").requirements().get(0).values());
        assertEquals(List.of("", "b"), LabelSelector.parse("a in (,b)").requirements().get(0).values());
        assertEquals(List.of("", "b"), LabelSelector.parse("a in (b,)").requirements().get(0).values());
        assertEquals(List.of("", "b", "c"), LabelSelector.parse("a in (b,,c)").requirements().get(0).values());
    }

    @Test
    void setValuesAreSortedAndDeduplicatedLikeUpstream() {
        assertEquals(List.of("a", "b"), LabelSelector.parse("k in (b,a,b)").requirements().get(0).values());
    }

    @Test
    void canonicalTextSortsRequirementsByKeyAndValues() {
        assertEquals("a,b in (x,y),c!=d,!e,f>3",
                LabelSelector.parse("f>3, b in (y,x), !e, a, c!=d").toString());
        assertEquals("", LabelSelector.everything().toString());
    }

    @Test
    void prefixedKeysAreAccepted() {
        assertTrue(matches("app.kubernetes.io/name=web", Map.of("app.kubernetes.io/name", "web")));
    }

    @Test
    void exactMatchIsReportedForEqualityAndSingleValueIn() {
        assertEquals(Optional.of("web"), LabelSelector.parse("app=web,b").requiresExactMatch("app"));
        assertEquals(Optional.of("x"), LabelSelector.parse("app in (x)").requiresExactMatch("app"));
        assertEquals(Optional.empty(), LabelSelector.parse("app in (x,y)").requiresExactMatch("app"));
        assertEquals(Optional.empty(), LabelSelector.parse("app!=x").requiresExactMatch("app"));
    }

    @Test
    void objectsAreMatchedByTheirMetadataLabels() throws Exception {
        ObjectNode pod = (ObjectNode) new ObjectMapper().readTree(
                "{\"metadata\":{\"name\":\"p\",\"labels\":{\"app\":\"web\"}}}");
        ObjectNode bare = (ObjectNode) new ObjectMapper().readTree("{\"metadata\":{\"name\":\"q\"}}");
        LabelSelector s = LabelSelector.parse("app=web");
        assertTrue(s.matchesObject(pod));
        assertFalse(s.matchesObject(bare));
        assertTrue(LabelSelector.parse("!app").matchesObject(bare));
        assertTrue(LabelSelector.everything().matchesObject(bare));
        assertFalse(LabelSelector.nothing().matchesObject(pod));
    }

    @Test
    void aMapSelectorMatchesEveryEntry() {
        LabelSelector s = LabelSelector.fromMap(Map.of("app", "web", "tier", "front"));
        assertTrue(s.matches(WEB));
        assertFalse(s.matches(Map.of("app", "web")));
        assertTrue(LabelSelector.fromMap(Map.of()).isEverything());
        assertEquals("app=web,tier=front", s.toString());
    }
}
