package io.karst.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

class StructuredLabelSelectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LabelSelector from(String json) throws Exception {
        return LabelSelector.fromLabelSelector(JSON.readTree(json));
    }

    private static String error(String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        return assertThrows(InvalidSelectorException.class, () -> LabelSelector.fromLabelSelector(node)).getMessage();
    }

    @Test
    void matchLabelsAndMatchExpressionsAreAnded() throws Exception {
        LabelSelector s = from("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":["
                + "{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"front\",\"edge\"]},"
                + "{\"key\":\"env\",\"operator\":\"NotIn\",\"values\":[\"dev\"]},"
                + "{\"key\":\"team\",\"operator\":\"Exists\"},"
                + "{\"key\":\"canary\",\"operator\":\"DoesNotExist\"}]}");
        assertTrue(s.matches(Map.of("app", "web", "tier", "edge", "team", "a")));
        assertFalse(s.matches(Map.of("app", "web", "tier", "edge", "team", "a", "canary", "1")));
        assertFalse(s.matches(Map.of("app", "web", "tier", "edge", "team", "a", "env", "dev")));
        assertFalse(s.matches(Map.of("app", "web", "tier", "back", "team", "a")));
        assertEquals("app=web,!canary,env notin (dev),team,tier in (edge,front)", s.toString());
    }

    @Test
    void aMissingSelectorSelectsNothingAndAnEmptyOneEverything() throws Exception {
        assertTrue(LabelSelector.fromLabelSelector(null).isNothing());
        assertTrue(LabelSelector.fromLabelSelector(MissingNode.getInstance()).isNothing());
        assertTrue(from("null").isNothing());
        assertFalse(from("null").matches(Map.of()));
        assertTrue(from("{}").isEverything());
        assertTrue(from("{\"matchLabels\":{},\"matchExpressions\":[]}").matches(Map.of("x", "y")));
    }

    @Test
    void unknownOperatorIsRefusedWithUpstreamsMessage() throws Exception {
        assertEquals("\"Gt\" is not a valid label selector operator",
                error("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\",\"values\":[\"1\"]}]}"));
    }

    @Test
    void inWithoutValuesShowsGosNilSlice() throws Exception {
        assertEquals("values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
                error("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[]}]}"));
    }

    @Test
    void existsWithValuesIsRefused() throws Exception {
        assertEquals("values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist",
                error("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}"));
    }

    @Test
    void severalErrorsAreAggregatedInBrackets() throws Exception {
        String message = error("{\"matchExpressions\":[{\"key\":\"-a\",\"operator\":\"NotIn\"}]}");
        assertTrue(message.startsWith("[key: Invalid value: \"-a\": name part must consist of"), message);
        assertTrue(message.endsWith(", values: Invalid value: []string(nil): for 'in', 'notin' operators, values "
                + "set can't be empty]"), message);
    }

    @Test
    void invalidMatchLabelValueIsRefused() throws Exception {
        assertTrue(error("{\"matchLabels\":{\"a\":\"b c\"}}").startsWith("values[0][a]: Invalid value: \"b c\": "));
    }
}
