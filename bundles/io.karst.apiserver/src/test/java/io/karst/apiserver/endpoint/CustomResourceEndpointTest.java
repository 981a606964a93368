package io.karst.apiserver.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.admission.BuiltinAdmission;
import io.karst.apiserver.crd.CustomResourceDefinitionController;
import io.karst.apiserver.discovery.DiscoveryDocuments;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.status.ApiException;

/**
 * Custom resources served from their CustomResourceDefinitions through the endpoint, with the CRD controller
 * following the CRDs in the store: status, CRUD, patch, watch, storage key and version, discovery, conflicts and
 * the end of serving when the CRD goes.
 */
class CustomResourceEndpointTest {
    private static final String CRDS = CustomResourceDefinitionValidationTest.CRDS;
    private static final String WIDGETS = "/apis/example.com/v1/namespaces/default/widgets";

    @TempDir
    Path dir;
    ApiFixture api;
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    CustomResourceDefinitionController controller;

    @BeforeEach
    void start() {
        api = new ApiFixture(dir, (store, kv) -> new BuiltinAdmission(store,
                new io.karst.apiserver.resource.ResourceRegistry(BuiltinResources.all())));
        controller = new CustomResourceDefinitionController(api.store, api.registry, BuiltinResources.all(), executor,
                Clock.systemUTC());
        controller.start();
    }

    @AfterEach
    void stop() {
        controller.close();
        executor.shutdownNow();
        api.close();
    }

    /** Two versions, v1 stored, v1beta1 served too. */
    static String widgetsCrd(String name, String plural, String kind) {
        return "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":"
                + "{\"name\":\"" + name + "\"},\"spec\":{\"group\":\"example.com\",\"scope\":\"Namespaced\","
                + "\"names\":{\"plural\":\"" + plural + "\",\"kind\":\"" + kind + "\",\"shortNames\":[\"wd\"],"
                + "\"categories\":[\"all\"]},\"versions\":["
                + "{\"name\":\"v1\",\"served\":true,\"storage\":true,\"schema\":{\"openAPIV3Schema\":"
                + CustomResourceDefinitionValidationTest.SCHEMA + "},\"subresources\":{\"status\":{}}},"
                + "{\"name\":\"v1beta1\",\"served\":true,\"storage\":false,\"schema\":{\"openAPIV3Schema\":"
                + CustomResourceDefinitionValidationTest.SCHEMA + "}}]}}";
    }

    static String widget(String apiVersion, String name, int size) {
        return "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"" + name
                + "\"},\"spec\":{\"size\":" + size + "}}";
    }

    private ObjectNode established() throws InterruptedException {
        api.call("POST", CRDS, widgetsCrd("widgets.example.com", "widgets", "Widget"));
        return awaitCondition("widgets.example.com", "Established", "True");
    }

    private ObjectNode awaitCondition(String crd, String type, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            ObjectNode o = api.object("GET", CRDS + "/" + crd, null);
            for (JsonNode c : o.path("status").path("conditions")) {
                if (c.path("type").asText().equals(type) && c.path("status").asText().equals(status)) {
                    return o;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + type + "=" + status + " in " + o.path("status"));
            }
            Thread.sleep(10);
        }
    }

    @Test
    void establishedCrdHasUpstreamStatusAndItsResourcesAreServed() throws Exception {
        ObjectNode crd = established();
        JsonNode status = crd.path("status");
        assertEquals("widgets", status.at("/acceptedNames/plural").asText());
        assertEquals("WidgetList", status.at("/acceptedNames/listKind").asText());
        assertEquals("wd", status.at("/acceptedNames/shortNames/0").asText());
        assertEquals("NoConflicts", status.at("/conditions/0/reason").asText());
        assertEquals("no conflicts found", status.at("/conditions/0/message").asText());
        assertEquals("InitialNamesAccepted", status.at("/conditions/1/reason").asText());
        assertEquals("the initial names have been accepted", status.at("/conditions/1/message").asText());
        assertEquals("[\"v1\"]", status.path("storedVersions").toString());

        ObjectNode created = api.object("POST", WIDGETS, widget("example.com/v1", "w1", 3));
        assertEquals(1, created.at("/metadata/generation").asInt());
        assertTrue(api.kv.get("/registry/example.com/widgets/default/w1").isPresent());
        assertEquals(3, api.object("GET", WIDGETS + "/w1", null).at("/spec/size").asInt());
        // another served version reads the same object, apiVersion rewritten; stored in the storage version
        ObjectNode beta = api.object("GET", "/apis/example.com/v1beta1/namespaces/default/widgets/w1", null);
        assertEquals("example.com/v1beta1", beta.path("apiVersion").asText());
        api.call("POST", "/apis/example.com/v1beta1/namespaces/default/widgets", widget("example.com/v1beta1", "w2", 5));
        String stored = new String(api.kv.get("/registry/example.com/widgets/default/w2").orElseThrow().value(),
                StandardCharsets.UTF_8);
        assertTrue(stored.contains("\"apiVersion\":\"example.com/v1\""), stored);
        ObjectNode list = api.object("GET", WIDGETS, null);
        assertEquals("WidgetList", list.path("kind").asText());
        assertEquals(2, list.path("items").size());
    }

    @Test
    void customResourcesUpdatePatchWatchAndDeleteCollection() throws Exception {
        established();
        ObjectNode w1 = api.object("POST", WIDGETS, widget("example.com/v1", "w1", 1));
        ApiResponse.Stream stream = (ApiResponse.Stream) api.request("GET", WIDGETS + "?watch=true&resourceVersion="
                + w1.at("/metadata/resourceVersion").asText(), null, null);
        ApiFixture.Frames frames = new ApiFixture.Frames();
        stream.session().start(frames);
        ((ObjectNode) w1.get("spec")).put("size", 2);
        assertEquals(2, api.object("PUT", WIDGETS + "/w1", w1.toString()).at("/metadata/generation").asInt());
        ApiResponse.Body merged = (ApiResponse.Body) api.request("PATCH", WIDGETS + "/w1",
                "{\"spec\":{\"size\":7}}", "application/merge-patch+json");
        assertEquals(7, merged.object().at("/spec/size").asInt());
        ApiResponse.Body patched = (ApiResponse.Body) api.request("PATCH", WIDGETS + "/w1",
                "[{\"op\":\"replace\",\"path\":\"/spec/size\",\"value\":8}]", "application/json-patch+json");
        assertEquals(8, patched.object().at("/spec/size").asInt());
        ApiException smp = assertFails(() -> api.request("PATCH", WIDGETS + "/w1", "{\"spec\":{\"size\":9}}",
                "application/strategic-merge-patch+json"));
        assertEquals(415, smp.code());
        api.call("POST", WIDGETS, widget("example.com/v1", "w2", 1));
        api.call("DELETE", WIDGETS, null);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (frames.frames.size() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("MODIFIED w1", "MODIFIED w1", "MODIFIED w1", "ADDED w2", "DELETED w1", "DELETED w2"),
                frames.summary());
        stream.session().stop();
        assertEquals(0, api.object("GET", WIDGETS, null).path("items").size());
    }

    @Test
    void discoveryListsTheCustomResources() throws Exception {
        established();
        DiscoveryDocuments discovery = new DiscoveryDocuments(api.registry);
        JsonNode list = discovery.resourceList("example.com", "v1").orElseThrow();
        JsonNode widgets = list.path("resources").get(0);
        assertEquals("widgets", widgets.path("name").asText());
        assertEquals("widget", widgets.path("singularName").asText());
        assertEquals("[\"wd\"]", widgets.path("shortNames").toString());
        assertEquals("[\"all\"]", widgets.path("categories").toString());
        assertEquals("widgets/status", list.path("resources").get(1).path("name").asText());
        assertEquals("v1", discovery.group("example.com").orElseThrow().at("/preferredVersion/version").asText());
        assertTrue(discovery.aggregated(false, "apidiscovery.k8s.io/v2").toString().contains("\"widgets\""));
    }

    @Test
    void conflictingNamesAreNotAcceptedAndDeletedCrdStopsServing() throws Exception {
        established();
        api.call("POST", CRDS, widgetsCrd("gadgets.example.com", "gadgets", "Widget"));
        ObjectNode conflicting = awaitCondition("gadgets.example.com", "NamesAccepted", "False");
        assertEquals("SingularConflict", conflicting.at("/status/conditions/0/reason").asText());
        assertEquals("\"widget\" is already in use", conflicting.at("/status/conditions/0/message").asText());
        assertEquals("NotAccepted", conflicting.at("/status/conditions/1/reason").asText());
        assertEquals(404, assertFails(() -> api.request("GET", "/apis/example.com/v1/namespaces/default/gadgets",
                null, null)).code());
        api.call("DELETE", CRDS + "/widgets.example.com", null);
        awaitGone(CRDS + "/widgets.example.com");
        controller.sync();
        assertEquals(404, assertFails(() -> api.request("GET", WIDGETS, null, null)).code());
    }

    @Test
    void statusIsASubresourceAndGenerationCountsOnlyOtherChanges() throws Exception {
        established();
        ObjectNode w = api.object("POST", WIDGETS, widget("example.com/v1", "w1", 1).replace("}}",
                "},\"status\":{\"ready\":true}}"));
        assertTrue(w.path("status").isMissingNode(), w::toString);
        w.putObject("status").put("ready", true).put("unknown", 1);
        ObjectNode withStatus = api.object("PUT", WIDGETS + "/w1/status", w.toString());
        assertTrue(withStatus.at("/status/ready").asBoolean());
        assertTrue(withStatus.at("/status/unknown").isMissingNode(), "pruned by the schema");
        assertEquals(1, withStatus.at("/metadata/generation").asInt());
        ((ObjectNode) withStatus.get("status")).put("ready", false);
        ((ObjectNode) withStatus.get("metadata")).putObject("labels").put("a", "b");
        ObjectNode relabelled = api.object("PUT", WIDGETS + "/w1", withStatus.toString());
        assertTrue(relabelled.at("/status/ready").asBoolean(), "the main resource ignores status");
        assertEquals(1, relabelled.at("/metadata/generation").asInt(), "metadata changes keep the generation");
        ApiResponse.Body patched = (ApiResponse.Body) api.request("PATCH", WIDGETS + "/w1/status",
                "{\"status\":{\"ready\":false},\"spec\":{\"size\":5}}", "application/merge-patch+json");
        assertEquals(false, patched.object().at("/status/ready").asBoolean());
        assertEquals(1, patched.object().at("/spec/size").asInt(), "the status subresource ignores spec");
        ApiResponse.Body spec = (ApiResponse.Body) api.request("PATCH", WIDGETS + "/w1",
                "{\"spec\":{\"size\":5}}", "application/merge-patch+json");
        assertEquals(2, spec.object().at("/metadata/generation").asInt());
    }

    @Test
    void deletingTheCrdDeletesItsObjectsThenTheCrd() throws Exception {
        ObjectNode crd = established();
        assertEquals("[\"customresourcecleanup.apiextensions.k8s.io\"]", crd.at("/metadata/finalizers").toString());
        api.call("POST", WIDGETS, widget("example.com/v1", "w1", 1));
        api.call("POST", WIDGETS, widget("example.com/v1", "held", 1).replace("\"name\":\"held\"",
                "\"name\":\"held\",\"finalizers\":[\"example.com/hold\"]"));
        api.call("DELETE", CRDS + "/widgets.example.com", null);
        ObjectNode terminating = awaitCondition("widgets.example.com", "Terminating", "True");
        assertEquals("InstanceDeletionInProgress", terminating.at("/status/conditions/2/reason").asText());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (api.object("GET", WIDGETS, null).path("items").size() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // the object with a finalizer is marked and waited for; the resource is still served meanwhile
        ObjectNode held = api.object("GET", WIDGETS + "/held", null);
        assertTrue(held.at("/metadata/deletionTimestamp").isTextual());
        assertEquals(200, api.call("GET", CRDS + "/widgets.example.com", null).code());
        api.request("PATCH", WIDGETS + "/held", "{\"metadata\":{\"finalizers\":null}}",
                "application/merge-patch+json");
        awaitGone(CRDS + "/widgets.example.com");
        controller.sync();
        assertEquals(404, assertFails(() -> api.request("GET", WIDGETS, null, null)).code());
        assertTrue(api.kv.range("/registry/example.com/widgets/", 0, 0, null).kvs().isEmpty());
    }

    private void awaitGone(String url) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                api.call("GET", url, null);
            } catch (ApiException e) {
                if (e.code() == 404) {
                    return;
                }
                throw e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(url + " still there");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void scaleSubresourceReadsAndWritesTheCrdsPaths() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":"
                + "{\"replicas\":{\"type\":\"integer\"}}},\"status\":{\"type\":\"object\",\"properties\":"
                + "{\"replicas\":{\"type\":\"integer\"},\"selector\":{\"type\":\"string\"}}}}}";
        String crd = CustomResourceDefinitionValidationTest.crd("scalers.example.com", "scalers", "Scaler", schema)
                .replace("[\"wd\"]", "[\"sc\"]").replace("\"schema\":", "\"subresources\":{\"status\":{},"
                + "\"scale\":{\"specReplicasPath\":\".spec.replicas\",\"statusReplicasPath\":\".status.replicas\","
                + "\"labelSelectorPath\":\".status.selector\"}},\"schema\":");
        ApiException bad = api.failure("POST", CRDS, crd.replace("\".spec.replicas\"", "\".replicas\""));
        assertTrue(bad.getMessage().contains("spec.versions[0].subresources.scale.specReplicasPath: Invalid value: "
                + "\".replicas\": should be a json path under .spec"), bad.getMessage());
        api.call("POST", CRDS, crd);
        awaitCondition("scalers.example.com", "Established", "True");
        String scalers = "/apis/example.com/v1/namespaces/default/scalers";
        api.call("POST", scalers, "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Scaler\",\"metadata\":"
                + "{\"name\":\"s1\"},\"spec\":{\"replicas\":2}}");
        api.request("PATCH", scalers + "/s1/status", "{\"status\":{\"replicas\":1,\"selector\":\"app=s\"}}",
                "application/merge-patch+json");
        ObjectNode scale = api.object("GET", scalers + "/s1/scale", null);
        assertEquals("Scale", scale.path("kind").asText());
        assertEquals("autoscaling/v1", scale.path("apiVersion").asText());
        assertEquals(2, scale.at("/spec/replicas").asInt());
        assertEquals(1, scale.at("/status/replicas").asInt());
        assertEquals("app=s", scale.at("/status/selector").asText());
        ApiResponse.Body scaled = (ApiResponse.Body) api.request("PATCH", scalers + "/s1/scale",
                "{\"spec\":{\"replicas\":5}}", "application/merge-patch+json");
        assertEquals(5, scaled.object().at("/spec/replicas").asInt());
        assertEquals(5, api.object("GET", scalers + "/s1", null).at("/spec/replicas").asInt());
        assertTrue(new DiscoveryDocuments(api.registry).resourceList("example.com", "v1").orElseThrow().toString()
                .contains("\"scalers/scale\""));
    }

    static final String GIZMO_SCHEMA = "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\","
            + "\"required\":[\"size\"],\"properties\":{"
            + "\"size\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10},"
            + "\"color\":{\"type\":\"string\",\"enum\":[\"red\",\"blue\"],\"default\":\"red\"},"
            + "\"name\":{\"type\":\"string\",\"maxLength\":5,\"pattern\":\"^[a-z]+$\"},"
            + "\"tags\":{\"type\":\"array\",\"maxItems\":2,\"items\":{\"type\":\"string\"}},"
            + "\"any\":{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true},"
            + "\"port\":{\"x-kubernetes-int-or-string\":true}}}}}";
    private static final String GIZMOS = "/apis/example.com/v1/namespaces/default/gizmos";

    private void gizmosEstablished() throws InterruptedException {
        api.call("POST", CRDS, CustomResourceDefinitionValidationTest.crd("gizmos.example.com", "gizmos", "Gizmo",
                GIZMO_SCHEMA).replace("[\"wd\"]", "[\"gz\"]"));
        awaitCondition("gizmos.example.com", "Established", "True");
    }

    private static String gizmo(String name, String spec) {
        return "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"" + name
                + "\"},\"spec\":" + spec + ",\"extra\":1}";
    }

    @Test
    void customResourcesArePrunedDefaultedAndValidatedByTheirSchema() throws Exception {
        gizmosEstablished();
        ApiResponse.Body created = api.call("POST", GIZMOS, gizmo("g1", "{\"size\":2,\"unknown\":true,"
                + "\"any\":{\"free\":{\"form\":1}},\"port\":\"http\"}"));
        assertEquals(201, created.code());
        assertEquals(List.of("unknown field \"extra\"", "unknown field \"spec.unknown\""), created.warnings());
        JsonNode g1 = created.object();
        assertTrue(g1.path("spec").path("unknown").isMissingNode());
        assertTrue(g1.path("extra").isMissingNode());
        assertEquals("red", g1.at("/spec/color").asText());
        assertEquals(1, g1.at("/spec/any/free/form").asInt());
        assertEquals("red", api.object("GET", GIZMOS + "/g1", null).at("/spec/color").asText());

        ApiException strict = api.failure("POST", GIZMOS + "?fieldValidation=Strict", gizmo("g2", "{\"size\":2}"));
        assertEquals(400, strict.code());
        assertEquals("Gizmo in version \"v1\" cannot be handled as a Gizmo: strict decoding error: "
                + "unknown field \"extra\"", strict.getMessage());

        ApiException invalid = api.failure("POST", GIZMOS, gizmo("g3", "{\"size\":11,\"color\":\"green\","
                + "\"name\":\"ABCDEFG\",\"tags\":[\"a\",\"b\",\"c\"],\"port\":true}"));
        assertEquals(422, invalid.code());
        String m = invalid.getMessage();
        for (String expected : List.of("Gizmo.example.com \"g3\" is invalid: ",
                "spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10",
                "spec.color: Unsupported value: \"green\": supported values: \"red\", \"blue\"",
                "spec.name: Too long: may not be more than 5 bytes",
                "spec.name: Invalid value: \"ABCDEFG\": spec.name in body should match '^[a-z]+$'",
                "spec.tags: Too many: 3: must have at most 2 items",
                "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: "
                        + "\"boolean\"")) {
            assertTrue(m.contains(expected), () -> "missing <" + expected + "> in " + m);
        }
        ApiException required = api.failure("POST", GIZMOS, gizmo("g4", "{\"size\":\"big\"}"));
        assertTrue(required.getMessage().contains("spec.size: Invalid value: \"string\": spec.size in body must be "
                + "of type integer: \"string\""), required.getMessage());
        assertTrue(api.failure("POST", GIZMOS, gizmo("g5", "{}")).getMessage().contains("spec.size: Required value"));
        ApiException badName = api.failure("POST", GIZMOS, gizmo("Bad_Name", "{\"size\":1}"));
        assertEquals(422, badName.code());
        assertTrue(badName.getMessage().contains("metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 "
                + "subdomain must consist of"), badName.getMessage());
        assertEquals(1, api.object("GET", GIZMOS, null).path("items").size());
    }

    private static ApiException assertFails(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            return e;
        }
        throw new AssertionError("did not fail");
    }

}
