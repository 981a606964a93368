package io.karst.apiserver.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FieldErrorTest {
    @Test
    void invalidNamePrintsExactlyAsUpstream() {
        FieldPath p = FieldPath.root("metadata").child("name");
        FieldError e = FieldError.invalid(p, "Foo_Bar", Formats.dns1123Subdomain("Foo_Bar").get(0));
        assertEquals("metadata.name: Invalid value: \"Foo_Bar\": a lowercase RFC 1123 subdomain must consist of lower "
                + "case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character "
                + "(e.g. 'example.com', regex used for validation is "
                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", e.toString());
        assertEquals("FieldValueInvalid", e.reason());
    }

    @Test
    void requiredForbiddenAndTooLongDoNotShowTheValue() {
        assertEquals("spec.containers: Required value", FieldError.required(FieldPath.root("spec", "containers"), "").toString());
        assertEquals("metadata.namespace: Forbidden: not allowed on this type",
                FieldError.forbidden(FieldPath.root("metadata", "namespace"), "not allowed on this type").toString());
        assertEquals("metadata.annotations: Too long: may not be more than 262144 bytes",
                FieldError.tooLong(FieldPath.root("metadata", "annotations"), 262144).toString());
    }

    @Test
    void notSupportedListsQuotedValues() {
        FieldError e = FieldError.notSupported(FieldPath.root("spec").child("restartPolicy"), "Sometimes",
                List.of("Always", "OnFailure", "Never"));
        assertEquals("spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", "
                + "\"OnFailure\", \"Never\"", e.toString());
        assertEquals("FieldValueNotSupported", e.reason());
    }

    @Test
    void pathsPrintIndexesKeysAndAnEmptyRootAsUpstream() {
        assertEquals("spec.template.spec.containers[0].name",
                FieldPath.root("spec").child("template", "spec", "containers").index(0).child("name").toString());
        assertEquals("data[.dockerconfigjson]", FieldPath.root("data").key(".dockerconfigjson").toString());
        assertEquals("[]", FieldPath.root("").toString());
    }

    @Test
    void valuesFormatLikeGo() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("b", "2");
        m.put("a", "x\"y");
        assertEquals("map[string]string{\"a\":\"x\\\"y\", \"b\":\"2\"}", GoValues.format(m));
        assertEquals("[]string{\"orphan\", \"foregroundDeletion\"}",
                GoValues.format(List.of("orphan", "foregroundDeletion")));
        assertEquals("-1", GoValues.format(-1L));
        assertEquals("\"null\"", GoValues.format(null));
        assertEquals("\"tab\\there\\u200b\"", GoValues.quote("tab\there\u200b"));
    }

    @Test
    void tooManyShowsTheCount() {
        assertEquals("spec.rules: Too many: 21: must have at most 20 items",
                FieldError.tooMany(FieldPath.root("spec", "rules"), 21, 20).toString());
    }
}
