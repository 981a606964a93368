package io.karst.apiserver.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

class InvalidStatusTest {
    private final FieldError nameRequired = FieldError.required(FieldPath.root("metadata", "name"),
            "name or generateName is required");
    private final FieldError containers = FieldError.required(FieldPath.root("spec", "containers"), "");

    @Test
    void oneErrorIsPrintedWithoutBrackets() {
        InvalidStatus s = new InvalidStatus("", "Pod", "", List.of(nameRequired));
        assertEquals("Pod \"\" is invalid: metadata.name: Required value: name or generateName is required", s.message());
    }

    @Test
    void severalErrorsAreBracketedAndTheKindCarriesTheGroup() {
        InvalidStatus s = new InvalidStatus("apps", "Deployment", "web", List.of(nameRequired, containers));
        assertEquals("Deployment.apps \"web\" is invalid: [metadata.name: Required value: name or generateName is "
                + "required, spec.containers: Required value]", s.message());
    }

    @Test
    void repeatedErrorsPrintOnceButStayInTheCauses() {
        InvalidStatus s = new InvalidStatus("", "Pod", "p", List.of(containers, containers));
        assertEquals("Pod \"p\" is invalid: spec.containers: Required value", s.message());
        assertEquals(2, s.causes().size());
    }

    @Test
    void statusObjectCarriesCodeReasonAndCauses() {
        ObjectNode status = new InvalidStatus("apps", "Deployment", "web", List.of(containers))
                .toStatus(JsonNodeFactory.instance);
        assertEquals(422, status.get("code").asInt());
        assertEquals("Invalid", status.get("reason").asText());
        assertEquals("Failure", status.get("status").asText());
        assertEquals("apps", status.at("/details/group").asText());
        assertEquals("Deployment", status.at("/details/kind").asText());
        assertEquals("FieldValueRequired", status.at("/details/causes/0/reason").asText());
        assertEquals("Required value", status.at("/details/causes/0/message").asText());
        assertEquals("spec.containers", status.at("/details/causes/0/field").asText());
    }
}
