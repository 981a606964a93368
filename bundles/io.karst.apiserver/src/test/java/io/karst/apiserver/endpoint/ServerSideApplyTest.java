package io.karst.apiserver.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.status.ApiException;

/** Server-side apply and managed fields through the resource endpoint, as kubectl and client-go use them. */
class ServerSideApplyTest {
    private static final String APPLY = "application/apply-patch+yaml";
    private static final String CM_URL = "/api/v1/namespaces/default/configmaps/";
    @TempDir
    Path dir;
    ApiFixture api;

    @BeforeEach
    void start() {
        api = new ApiFixture(dir);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private ApiResponse.Body apply(String url, String yaml) {
        return (ApiResponse.Body) api.request("PATCH", url, yaml, APPLY);
    }

    private ApiException applyFailure(String url, String yaml) {
        return assertThrows(ApiException.class, () -> api.request("PATCH", url, yaml, APPLY));
    }

    private static JsonNode entry(JsonNode object, String manager) {
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            if (e.path("manager").asText().equals(manager)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void anApplyCreatesTheObjectAndRecordsItsManager() {
        ApiResponse.Body created = apply(CM_URL + "app?fieldManager=kubectl", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: app
                data:
                  a: "1"
                """);
        assertEquals(201, created.code());
        JsonNode stored = api.object("GET", CM_URL + "app", null);
        assertEquals("1", stored.path("data").path("a").asText());
        JsonNode e = entry(stored, "kubectl");
        assertEquals("Apply", e.path("operation").asText());
        assertEquals("{\"f:data\":{\"f:a\":{}}}", e.path("fieldsV1").toString());
    }

    @Test
    void createUpdateAndPatchRecordTheirManagersFromTheParameterOrTheUserAgent() {
        api.call("POST", "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create",
                ApiFixture.configMap("c", "{\"a\":\"1\"}"));
        api.request("PATCH", CM_URL + "c", "{\"data\":{\"b\":\"2\"}}", "application/merge-patch+json");
        ObjectNode stored = api.object("GET", CM_URL + "c", null);
        assertEquals("{\"f:data\":{\".\":{},\"f:a\":{}}}", entry(stored, "kubectl-create").path("fieldsV1")
                .toString());
        // an HTTP client with neither fieldManager nor User-Agent is "unknown", as upstream
        assertEquals("{\"f:data\":{\"f:b\":{}}}", entry(stored, "unknown").path("fieldsV1").toString());
    }

    @Test
    void aConflictIsA409UntilForced() {
        api.call("POST", "/api/v1/namespaces/default/configmaps?fieldManager=creator",
                ApiFixture.configMap("c", "{\"a\":\"1\"}"));
        String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"2\"\n";
        ApiException conflict = applyFailure(CM_URL + "c?fieldManager=ssa", yaml);
        assertEquals(409, conflict.code());
        assertEquals("Apply failed with 1 conflict: conflict with \"creator\" using v1: .data.a",
                conflict.getMessage());
        assertEquals("1", api.object("GET", CM_URL + "c", null).path("data").path("a").asText(),
                "a refused apply changes nothing");
        assertEquals(200, apply(CM_URL + "c?fieldManager=ssa&force=true", yaml).code());
        assertEquals("2", api.object("GET", CM_URL + "c", null).path("data").path("a").asText());
    }

    @Test
    void badApplyRequestsAreRefusedWithUpstreamsStatus() {
        String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
        ApiException noManager = applyFailure(CM_URL + "c", yaml);
        assertEquals(422, noManager.code());
        assertEquals("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for "
                + "apply patch", noManager.getMessage());
        ApiException forceOnMerge = assertThrows(ApiException.class, () -> api.request("PATCH",
                CM_URL + "c?force=true", "{}", "application/merge-patch+json"));
        assertEquals(422, forceOnMerge.code());
        assertEquals(400, applyFailure(CM_URL + "c?fieldManager=m", "metadata: [").code());
        ApiException kindless = applyFailure(CM_URL + "c?fieldManager=m", "metadata:\n  name: c\n");
        assertEquals(400, kindless.code());
        assertEquals(400, applyFailure(CM_URL + "c?fieldManager=m",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nspec: {}\n").code());
        assertEquals(400, applyFailure(CM_URL + "c?fieldManager=m",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n").code());
        assertEquals(404, assertThrows(ApiException.class, () -> api.call("GET", CM_URL + "c", null)).code(),
                "nothing was stored");
    }

    @Test
    void aDryRunApplyStoresNothing() {
        ApiResponse.Body body = apply(CM_URL + "d?fieldManager=m&dryRun=All",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  x: y\n");
        assertEquals(201, body.code());
        assertEquals(404, assertThrows(ApiException.class, () -> api.call("GET", CM_URL + "d", null)).code());
    }

    @Test
    void reapplyingWithoutAKeyRemovesItAndAnUnchangedApplyDoesNotWrite() {
        String both = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n  b: \"2\"\n";
        apply(CM_URL + "c?fieldManager=m", both);
        String rv = api.object("GET", CM_URL + "c", null).path("metadata").path("resourceVersion").asText();
        apply(CM_URL + "c?fieldManager=m", both);
        assertEquals(rv, api.object("GET", CM_URL + "c", null).path("metadata").path("resourceVersion").asText(),
                "an apply that changes nothing writes nothing");
        apply(CM_URL + "c?fieldManager=m", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n"
                + "  a: \"1\"\n");
        JsonNode data = api.object("GET", CM_URL + "c", null).path("data");
        assertTrue(data.has("a"));
        assertFalse(data.has("b"));
    }
}
