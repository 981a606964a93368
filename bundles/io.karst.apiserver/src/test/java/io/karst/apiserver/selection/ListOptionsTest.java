package io.karst.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class ListOptionsTest {
    private static final String INVALID = "ListOptions.meta.k8s.io \"\" is invalid: ";

    /** A query from "k=v" pairs, repeated keys keeping their order. */
    private static Map<String, List<String>> query(String... pairs) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            q.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(value);
        }
        return q;
    }

    private static ListOptions parse(String... pairs) {
        return ListOptions.parse(query(pairs), true);
    }

    private static RequestOptionsException refusal(boolean watchList, String... pairs) {
        return assertThrows(RequestOptionsException.class, () -> ListOptions.parse(query(pairs), watchList));
    }

    private static void assertBadRequest(String message, String... pairs) {
        RequestOptionsException e = refusal(true, pairs);
        assertEquals(400, e.code());
        assertEquals("BadRequest", e.reason());
        assertEquals(message, e.getMessage());
    }

    private static void assertInvalid(String errors, String... pairs) {
        RequestOptionsException e = refusal(true, pairs);
        assertEquals(422, e.code());
        assertEquals("Invalid", e.reason());
        assertEquals(INVALID + errors, e.getMessage());
    }

    @Test
    void noParametersMeanAPlainListOfEverything() {
        ListOptions o = parse();
        assertTrue(o.labelSelector().isEverything());
        assertTrue(o.fieldSelector().isEverything());
        assertFalse(o.watch());
        assertEquals("", o.resourceVersion());
        assertEquals("", o.resourceVersionMatch());
        assertFalse(o.hasLimit());
        assertEquals(OptionalLong.empty(), o.timeoutSeconds());
        assertEquals(Optional.empty(), o.sendInitialEvents());
        assertEquals(Optional.empty(), o.decodeContinue());
    }

    @Test
    void everyParameterIsDecoded() {
        ListOptions o = parse("labelSelector=app in (web),tier", "fieldSelector=spec.nodeName=n1", "watch=true",
                "allowWatchBookmarks=1", "resourceVersion=10", "resourceVersionMatch=NotOlderThan",
                "timeoutSeconds=30", "sendInitialEvents=false");
        assertEquals("app in (web),tier", o.labelSelector().toString());
        assertEquals("spec.nodeName=n1", o.fieldSelector().toString());
        assertTrue(o.watch());
        assertTrue(o.allowWatchBookmarks());
        assertEquals("10", o.resourceVersion());
        assertEquals(ListOptions.NOT_OLDER_THAN, o.resourceVersionMatch());
        assertEquals(OptionalLong.of(30), o.timeoutSeconds());
        assertEquals(Optional.of(false), o.sendInitialEvents());
        ListOptions page = parse("limit=500", "continue=abc");
        assertEquals(500, page.limit());
        assertTrue(page.hasLimit());
        assertEquals("abc", page.continueToken());
    }

    @Test
    void booleansAreFalseOnlyForZeroAndFalse() {
        assertTrue(parse("watch").watch(), "an empty value is true upstream");
        assertTrue(parse("watch=yes").watch());
        assertFalse(parse("watch=0").watch());
        assertFalse(parse("watch=FALSE").watch());
    }

    @Test
    void onlyTheFirstValueOfARepeatedParameterCounts() {
        assertEquals(5, parse("limit=5", "limit=x").limit());
    }

    @Test
    void negativeLimitMeansNoLimitAsUpstream() {
        ListOptions o = parse("limit=-3");
        assertEquals(-3, o.limit());
        assertFalse(o.hasLimit());
    }

    @Test
    void malformedNumbersAreBadRequestsWithGosMessage() {
        assertBadRequest("strconv.ParseInt: parsing \"abc\": invalid syntax", "limit=abc");
        assertBadRequest("strconv.ParseInt: parsing \"99999999999999999999\": value out of range",
                "limit=99999999999999999999");
        assertBadRequest("strconv.ParseInt: parsing \"1.5\": invalid syntax", "timeoutSeconds=1.5");
        assertBadRequest("strconv.ParseInt: parsing \"\": invalid syntax", "limit=");
    }

    @Test
    void numbersAreDecodedBeforeSelectorsAreParsed() {
        assertBadRequest("strconv.ParseInt: parsing \"x\": invalid syntax", "labelSelector=a in (", "limit=x");
    }

    @Test
    void malformedSelectorsAreBadRequests() {
        assertBadRequest("unable to parse requirement: found '', expected: ',', ')' or identifier",
                "labelSelector=a in (");
        assertBadRequest("invalid selector: 'x'; can't understand 'x'", "fieldSelector=x");
    }

    @Test
    void resourceVersionMatchNeedsAResourceVersion() {
        RequestOptionsException e = refusal(true, "resourceVersionMatch=NotOlderThan");
        assertEquals(INVALID + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
                + "resourceVersion is provided", e.getMessage());
        RequestOptionsException.Details details = e.details().orElseThrow();
        assertEquals("meta.k8s.io", details.group());
        assertEquals("ListOptions", details.kind());
        assertEquals("", details.name());
        assertEquals(List.of(new RequestOptionsException.Cause("FieldValueForbidden",
                "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                "resourceVersionMatch")), details.causes());
    }

    @Test
    void exactMatchOfResourceVersionZeroIsForbidden() {
        assertInvalid("resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for "
                + "resourceVersion \"0\"", "resourceVersion=0", "resourceVersionMatch=Exact");
        assertEquals(ListOptions.EXACT, parse("resourceVersion=7", "resourceVersionMatch=Exact")
                .resourceVersionMatch());
    }

    @Test
    void unknownResourceVersionMatchListsTheSupportedValues() {
        assertInvalid("resourceVersionMatch: Unsupported value: \"Latest\": supported values: \"Exact\", "
                + "\"NotOlderThan\", \"\"", "resourceVersion=1", "resourceVersionMatch=Latest");
    }

    @Test
    void severalErrorsAreListedTogether() {
        RequestOptionsException e = refusal(true, "resourceVersionMatch=Latest", "continue=abc");
        assertEquals(INVALID + "[resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
                + "resourceVersion is provided, resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden "
                + "when continue is provided, resourceVersionMatch: Unsupported value: \"Latest\": supported values: "
                + "\"Exact\", \"NotOlderThan\", \"\"]", e.getMessage());
        assertEquals(3, e.details().orElseThrow().causes().size());
    }

    @Test
    void sendInitialEventsIsForbiddenForLists() {
        assertInvalid("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list",
                "sendInitialEvents=true");
    }

    @Test
    void watchListNeedsNotOlderThan() {
        ListOptions o = parse("watch=1", "sendInitialEvents=true", "resourceVersionMatch=NotOlderThan",
                "allowWatchBookmarks=true");
        assertTrue(o.isWatchList(true));
        assertFalse(o.isWatchList(false));
        assertInvalid("resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to "
                + "NotOlderThan", "watch=1", "sendInitialEvents=true");
        assertInvalid("[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to "
                + "NotOlderThan, resourceVersionMatch: Unsupported value: \"Exact\": supported values: "
                + "\"NotOlderThan\"]", "watch=1", "sendInitialEvents=true", "resourceVersionMatch=Exact");
        assertInvalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless "
                + "sendInitialEvents is provided", "watch=1", "resourceVersion=5",
                "resourceVersionMatch=NotOlderThan");
    }

    @Test
    void withoutTheWatchListGateSendInitialEventsIsRefused() {
        RequestOptionsException e = refusal(false, "watch=1", "sendInitialEvents=true",
                "resourceVersionMatch=NotOlderThan");
        assertEquals(INVALID + "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the "
                + "WatchList feature gate is enabled", e.getMessage());
    }

    @Test
    void withTheGateALegacyWatchDefaultsToStreamingTheInitialState() {
        ListOptions fromNow = parse("watch=1");
        assertEquals(Optional.of(true), fromNow.sendInitialEvents());
        assertEquals(ListOptions.NOT_OLDER_THAN, fromNow.resourceVersionMatch());
        assertEquals(Optional.of(true), parse("watch=1", "resourceVersion=0").sendInitialEvents());
        assertEquals(Optional.empty(), parse("watch=1", "resourceVersion=12").sendInitialEvents());
        assertEquals(Optional.empty(), ListOptions.parse(query("watch=1"), false).sendInitialEvents());
        assertEquals(Optional.empty(), parse().sendInitialEvents(), "lists are not defaulted");
    }

    @Test
    void fieldSelectorsAreCheckedAgainstTheResource() {
        FieldSelectorSupport pods = FieldSelectorSupport.forResource("", "pods", true);
        ListOptions o = parse("fieldSelector=spec.host=n1").withFieldsFor(pods);
        assertEquals("spec.nodeName=n1", o.fieldSelector().toString());
        RequestOptionsException e = assertThrows(RequestOptionsException.class,
                () -> parse("fieldSelector=foo=bar").withFieldsFor(pods));
        assertEquals(400, e.code());
        assertEquals("field label not supported: foo", e.getMessage());
    }

    @Test
    void aNamedObjectPinsTheNameOrMustAgreeWithIt() {
        assertEquals("metadata.name=web", parse().forNamedObject("web").fieldSelector().toString());
        assertEquals("metadata.name=web",
                parse("fieldSelector=metadata.name=web").forNamedObject("web").fieldSelector().toString());
        RequestOptionsException e = assertThrows(RequestOptionsException.class,
                () -> parse("fieldSelector=metadata.name=db").forNamedObject("web"));
        assertEquals("fieldSelector metadata.name doesn't match requested name", e.getMessage());
        assertThrows(RequestOptionsException.class,
                () -> parse("fieldSelector=status.phase=Running").forNamedObject("web"));
    }

    @Test
    void aContinueTokenIsDecodedAndRefusesAResourceVersion() {
        String token = ContinueToken.after("default/a", 77).encode();
        assertEquals(77, parse("continue=" + token, "limit=2").decodeContinue().orElseThrow().resourceVersion());
        assertTrue(parse("continue=" + token, "resourceVersion=0").decodeContinue().isPresent());
        RequestOptionsException e = assertThrows(RequestOptionsException.class,
                () -> parse("continue=" + token, "resourceVersion=5").decodeContinue());
        assertEquals("specifying resource version is not allowed when using continue", e.getMessage());
        RequestOptionsException garbage = assertThrows(RequestOptionsException.class,
                () -> parse("continue=!!").decodeContinue());
        assertEquals(400, garbage.code());
        assertTrue(garbage.getMessage().startsWith("invalid continue token: "));
    }

    @Test
    void resourceVersionsAreUnsignedDecimals() {
        assertEquals(0, ListOptions.parseResourceVersion(""));
        assertEquals(0, ListOptions.parseResourceVersion("0"));
        assertEquals(42, ListOptions.parseResourceVersion("42"));
        RequestOptionsException e = assertThrows(RequestOptionsException.class,
                () -> ListOptions.parseResourceVersion("abc"));
        assertEquals("invalid resource version: resourceVersion: Invalid value: \"abc\": strconv.ParseUint: "
                + "parsing \"abc\": invalid syntax", e.getMessage());
        assertThrows(RequestOptionsException.class, () -> ListOptions.parseResourceVersion("-1"));
    }
}
