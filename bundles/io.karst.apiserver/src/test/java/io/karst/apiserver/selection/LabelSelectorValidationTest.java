package io.karst.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class LabelSelectorValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> errors(String json) throws Exception {
        return LabelSelectorValidation.validate(JSON.readTree(json), "spec.selector", false, false).stream()
                .map(FieldError::toString).toList();
    }

    @Test
    void aWellFormedSelectorHasNoErrors() throws Exception {
        assertTrue(errors("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"tier\","
                + "\"operator\":\"In\",\"values\":[\"a\"]},{\"key\":\"x\",\"operator\":\"Exists\"}]}").isEmpty());
        assertTrue(LabelSelectorValidation.validate(null, "spec.selector", false, false).isEmpty());
    }

    @Test
    void operatorAndValuesMustAgree() throws Exception {
        assertEquals(List.of("spec.selector.matchExpressions[0].values: Required value: must be specified when "
                + "`operator` is 'In' or 'NotIn'", "spec.selector.matchExpressions[1].values: Forbidden: may not be "
                + "specified when `operator` is 'Exists' or 'DoesNotExist'",
                "spec.selector.matchExpressions[2].operator: Invalid value: \"Gt\": not a valid selector operator"),
                errors("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"NotIn\"},"
                        + "{\"key\":\"b\",\"operator\":\"DoesNotExist\",\"values\":[\"x\"]},"
                        + "{\"key\":\"c\",\"operator\":\"Gt\",\"values\":[\"1\"]}]}"));
    }

    @Test
    void unknownOperatorsCanBeToleratedForExistingData() throws Exception {
        assertTrue(LabelSelectorValidation.validate(JSON.readTree("{\"matchExpressions\":[{\"key\":\"c\","
                + "\"operator\":\"Gt\",\"values\":[\"1\"]}]}"), "s", true, false).isEmpty());
    }

    @Test
    void keysAndValuesAreCheckedOneMessageEach() throws Exception {
        List<String> errs = errors("{\"matchLabels\":{\"x/\":\"ok\",\"app\":\"bad value\"}}");
        assertEquals(3, errs.size(), errs.toString());
        assertEquals("spec.selector.matchLabels: Invalid value: \"bad value\": a valid label must be an empty string "
                + "or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                + "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation "
                + "is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')", errs.get(0));
        assertEquals("spec.selector.matchLabels: Invalid value: \"x/\": name part must be non-empty", errs.get(1));
    }
}
