package io.karst.apiserver.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.admission.BuiltinAdmission;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.status.ApiException;

/** CustomResourceDefinitions as a stored resource: upstream's defaults and validation, refusals store nothing. */
class CustomResourceDefinitionValidationTest {
    static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    @TempDir
    Path dir;
    ApiFixture api;

    @BeforeEach
    void start() {
        ResourceRegistry registry = new ResourceRegistry(BuiltinResources.all());
        api = new ApiFixture(dir, (store, kv) -> new BuiltinAdmission(store, registry));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** A valid CRD of {@code widgets.example.com} with the given schema of its one version. */
    static String crd(String name, String plural, String kind, String schema) {
        return "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":"
                + "{\"name\":\"" + name + "\"},\"spec\":{\"group\":\"example.com\",\"scope\":\"Namespaced\","
                + "\"names\":{\"plural\":\"" + plural + "\",\"kind\":\"" + kind + "\",\"shortNames\":[\"wd\"]},"
                + "\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true,\"schema\":{\"openAPIV3Schema\":"
                + schema + "}}]}}";
    }

    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\","
            + "\"properties\":{\"size\":{\"type\":\"integer\"}}},\"status\":{\"type\":\"object\","
            + "\"properties\":{\"ready\":{\"type\":\"boolean\"}}}}}";

    @Test
    void createdCrdIsDefaultedAndReadable() {
        ObjectNode created = api.object("POST", CRDS, crd("widgets.example.com", "widgets", "Widget", SCHEMA));
        assertEquals("widget", created.at("/spec/names/singular").asText());
        assertEquals("WidgetList", created.at("/spec/names/listKind").asText());
        assertEquals("None", created.at("/spec/conversion/strategy").asText());
        assertEquals("v1", created.at("/status/storedVersions/0").asText());
        assertEquals("widgets.example.com",
                api.object("GET", CRDS + "/widgets.example.com", null).at("/metadata/name").asText());
    }

    @Test
    void aCrdWithItsCleanupFinalizerCanBeUpdated() {
        // the finalizer the CRD controller adds is not a core-group name: only apimachinery's rules apply to CRDs
        String withFinalizer = crd("widgets.example.com", "widgets", "Widget", SCHEMA).replace(
                "{\"name\":\"widgets.example.com\"}",
                "{\"name\":\"widgets.example.com\",\"finalizers\":[\"customresourcecleanup.apiextensions.k8s.io\"]}");
        ObjectNode created = api.object("POST", CRDS, withFinalizer);
        ((ObjectNode) created.at("/spec/names")).putArray("categories").add("all");
        ObjectNode updated = api.object("PUT", CRDS + "/widgets.example.com", created.toString());
        assertEquals("all", updated.at("/spec/names/categories/0").asText());
        assertEquals("customresourcecleanup.apiextensions.k8s.io", updated.at("/metadata/finalizers/0").asText());
    }

    @Test
    void nonStructuralSchemaIsRefusedAndNothingStored() {
        ApiException e = api.failure("POST", CRDS, crd("widgets.example.com", "widgets", "Widget",
                "{\"type\":\"object\",\"properties\":{\"spec\":{\"properties\":{\"a\":{\"type\":\"string\"}}},"
                        + "\"m\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}},"
                        + "\"additionalProperties\":{\"type\":\"string\"}}}}"));
        assertEquals(422, e.code());
        assertEquals("Invalid", e.reason());
        List<String> fields = e.details().causes().stream().map(ApiException.Cause::field).toList();
        assertTrue(fields.contains("spec.versions[0].schema.openAPIV3Schema.properties[spec].type"), fields::toString);
        assertTrue(fields.contains("spec.versions[0].schema.openAPIV3Schema.properties[m].additionalProperties"),
                fields::toString);
        assertTrue(e.getMessage().startsWith("CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" "
                + "is invalid: "), e.getMessage());
        assertTrue(e.getMessage().contains("spec.versions[0].schema.openAPIV3Schema.properties[spec].type: "
                + "Required value: must not be empty for specified object fields"), e.getMessage());
        assertEquals(0, api.object("GET", CRDS, null).path("items").size());
    }

    @Test
    void namesScopeAndVersionsFollowUpstreamRules() {
        String bad = "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":"
                + "{\"name\":\"things.example.com\"},\"spec\":{\"group\":\"example\",\"scope\":\"Global\","
                + "\"names\":{\"plural\":\"Widgets\",\"kind\":\"Widget\",\"listKind\":\"Widget\"},"
                + "\"versions\":[{\"name\":\"v1\",\"served\":false,\"storage\":true,\"schema\":{\"openAPIV3Schema\":"
                + "{\"type\":\"string\"}}},{\"name\":\"v1\",\"served\":false,\"storage\":true}]}}";
        ApiException e = api.failure("POST", CRDS, bad);
        assertEquals(422, e.code());
        String m = e.getMessage();
        for (String expected : List.of("metadata.name: Invalid value: \"things.example.com\": must be "
                + "spec.names.plural+\".\"+spec.group",
                "spec.group: Invalid value: \"example\": should be a domain with at least one dot",
                "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"",
                "spec.names.plural: Invalid value: \"Widgets\": a DNS-1035 label must consist of lower case",
                "spec.names.listKind: Invalid value: \"Widget\": kind and listKind may not be the same",
                "spec.versions[0].schema.openAPIV3Schema.type: Invalid value: \"string\": must be object at the root",
                "spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required",
                "must have exactly one version marked as storage version",
                "must have at least one served version", "must contain unique version names")) {
            assertTrue(m.contains(expected), () -> "missing <" + expected + "> in " + m);
        }
        assertEquals(0, api.object("GET", CRDS, null).path("items").size());
    }

    @Test
    void scopeCannotChange() {
        ObjectNode created = api.object("POST", CRDS, crd("widgets.example.com", "widgets", "Widget", SCHEMA));
        ((ObjectNode) created.get("spec")).put("scope", "Cluster");
        ApiException e = api.failure("PUT", CRDS + "/widgets.example.com", created.toString());
        assertEquals(422, e.code());
        assertTrue(e.getMessage().contains("spec.scope: Invalid value: \"Cluster\": field is immutable"),
                e.getMessage());
    }
}
