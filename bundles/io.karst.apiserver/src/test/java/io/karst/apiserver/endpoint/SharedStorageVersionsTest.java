package io.karst.apiserver.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.datastore.KeyValue;
import io.karst.apiserver.admission.BuiltinAdmission;
import io.karst.apiserver.conversion.HorizontalPodAutoscalerConversion;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;

/**
 * Versions served from one storage, through the endpoint with the built-in admission and the watch cache:
 * autoscaling/v1 and v2 HorizontalPodAutoscalers, core/v1 and events.k8s.io/v1 Events.
 */
class SharedStorageVersionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
    private static final String V2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";
    private static final String CORE_EVENTS = "/api/v1/namespaces/default/events";
    private static final String EVENTS = "/apis/events.k8s.io/v1/namespaces/default/events";

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

    private static String hpaV1(String name, int cpu) {
        return "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\""
                + name + "\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                + "\"name\":\"" + name + "\"},\"maxReplicas\":3,\"targetCPUUtilizationPercentage\":" + cpu + "}}";
    }

    private static final String HPA_V2 = """
            {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
             "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
               "minReplicas":2,"maxReplicas":10,
               "metrics":[{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"100Mi"}}},
                 {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}],
               "behavior":{"scaleDown":{"stabilizationWindowSeconds":120}}}}
            """;

    @Test
    void aV1HpaIsStoredAsV2AndReadInBothVersions() throws Exception {
        ObjectNode created = api.object("POST", V1, hpaV1("x", 50));
        assertEquals("autoscaling/v1", created.path("apiVersion").asText());
        assertEquals(1, created.path("spec").path("minReplicas").asInt(), "v1's default");
        assertEquals(50, created.path("spec").path("targetCPUUtilizationPercentage").asInt());
        KeyValue stored = api.kv.get("/registry/horizontalpodautoscalers/default/x").orElseThrow();
        JsonNode raw = JSON.readTree(new String(stored.value(), StandardCharsets.UTF_8));
        assertEquals("autoscaling/v2", raw.path("apiVersion").asText(), "upstream stores v2");
        assertEquals(50, raw.path("spec").path("metrics").get(0).path("resource").path("target")
                .path("averageUtilization").asInt());
        ObjectNode v2 = api.object("GET", V2 + "/x", null);
        assertEquals("autoscaling/v2", v2.path("apiVersion").asText());
        assertEquals(created.path("metadata").path("resourceVersion"), v2.path("metadata").path("resourceVersion"));
        assertEquals(created, api.object("GET", V1 + "/x", null));
    }

    @Test
    void aV1ReadModifyWriteKeepsWhatOnlyV2Says() throws Exception {
        api.call("POST", V2, HPA_V2);
        ObjectNode v1 = api.object("GET", V1 + "/web", null);
        assertEquals(50, v1.path("spec").path("targetCPUUtilizationPercentage").asInt());
        assertTrue(v1.path("metadata").path("annotations").has(HorizontalPodAutoscalerConversion.METRICS));
        assertTrue(v1.path("metadata").path("annotations").has(HorizontalPodAutoscalerConversion.BEHAVIOR));
        ((ObjectNode) v1.path("spec")).put("maxReplicas", 20).put("targetCPUUtilizationPercentage", 60);
        ObjectNode updated = api.object("PUT", V1 + "/web", v1.toString());
        assertEquals(20, updated.path("spec").path("maxReplicas").asInt());
        ObjectNode v2 = api.object("GET", V2 + "/web", null);
        JsonNode metrics = v2.path("spec").path("metrics");
        assertEquals(2, metrics.size());
        assertEquals("memory", metrics.get(0).path("resource").path("name").asText());
        assertEquals(60, metrics.get(1).path("resource").path("target").path("averageUtilization").asInt());
        assertEquals(120, v2.path("spec").path("behavior").path("scaleDown").path("stabilizationWindowSeconds")
                .asInt());
        assertFalse(v2.path("metadata").has("annotations"), "no round-trip annotation is stored");
        assertEquals(2, v2.path("metadata").path("generation").asInt(), "a spec change counts once");
    }

    @Test
    void statusIsKeptApartInTheStoredVersion() throws Exception {
        api.call("POST", V2, HPA_V2);
        ObjectNode v2 = api.object("GET", V2 + "/web", null);
        v2.set("status", JSON.readTree("""
                {"currentReplicas":2,"desiredReplicas":3,
                 "currentMetrics":[{"type":"Resource","resource":{"name":"memory","current":{"averageValue":"90Mi"}}}],
                 "conditions":[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-11-23T04:00:00Z",
                   "reason":"ReadyForNewScale"}]}
                """));
        api.call("PUT", V2 + "/web/status", v2.toString());
        // a v1 writer that drops the round-trip annotations changes the spec and nothing of the status
        ObjectNode v1 = api.object("GET", V1 + "/web", null);
        ObjectNode annotations = (ObjectNode) v1.path("metadata").path("annotations");
        annotations.remove(List.of(HorizontalPodAutoscalerConversion.CURRENT_METRICS,
                HorizontalPodAutoscalerConversion.CONDITIONS));
        ((ObjectNode) v1.path("spec")).put("maxReplicas", 12);
        v1.remove("status");
        api.call("PUT", V1 + "/web", v1.toString());
        JsonNode after = api.object("GET", V2 + "/web", null);
        assertEquals(12, after.path("spec").path("maxReplicas").asInt());
        assertEquals(v2.path("status"), after.path("status"));
        // a v1 status write changes the replicas and keeps the readings its annotations carry
        ObjectNode v1Status = api.object("GET", V1 + "/web", null);
        ((ObjectNode) v1Status.path("status")).put("desiredReplicas", 4);
        ((ObjectNode) v1Status.path("spec")).put("maxReplicas", 99);
        api.call("PUT", V1 + "/web/status", v1Status.toString());
        JsonNode status = api.object("GET", V2 + "/web", null);
        assertEquals(4, status.path("status").path("desiredReplicas").asInt());
        assertEquals(12, status.path("spec").path("maxReplicas").asInt(), "the status subresource leaves the spec");
        assertEquals(v2.path("status").path("conditions"), status.path("status").path("conditions"));
        assertEquals(v2.path("status").path("currentMetrics"), status.path("status").path("currentMetrics"));
    }

    @Test
    void aV1CreateStartsWithoutStatusWhateverItsAnnotationsSay() {
        String withStatusAnnotations = hpaV1("x", 50).replace("\"metadata\":{\"name\":\"x\"}",
                "\"metadata\":{\"name\":\"x\",\"annotations\":{\"" + HorizontalPodAutoscalerConversion.CONDITIONS
                        + "\":\"[{\\\"type\\\":\\\"AbleToScale\\\",\\\"status\\\":\\\"True\\\"}]\"}}");
        ObjectNode created = api.object("POST", V1, withStatusAnnotations);
        assertFalse(created.path("metadata").has("annotations"), created.toString());
        assertFalse(api.object("GET", V2 + "/x", null).has("status"));
    }

    @Test
    void aDryRunAnswersWhatTheWriteWould() {
        String noTarget = hpaV1("x", 50).replace(",\"targetCPUUtilizationPercentage\":50", "");
        ObjectNode dry = api.object("POST", V1 + "?dryRun=All", noTarget);
        assertEquals(80, dry.path("spec").path("targetCPUUtilizationPercentage").asInt(), "upstream's implicit v1 target");
        assertTrue(api.kv.get("/registry/horizontalpodautoscalers/default/x").isEmpty());
        ObjectNode real = api.object("POST", V1, noTarget);
        assertEquals(dry.path("spec"), real.path("spec"));
    }

    @Test
    void aV1ChangeOfTheMetricsAnnotationIsASpecChange() {
        api.call("POST", V2, HPA_V2);
        ObjectNode v1 = api.object("GET", V1 + "/web", null);
        ((ObjectNode) v1.path("metadata").path("annotations")).put(HorizontalPodAutoscalerConversion.METRICS,
                "[{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"targetAverageValue\":\"200Mi\"}}]");
        ObjectNode updated = api.object("PUT", V1 + "/web", v1.toString());
        assertEquals(2, updated.path("metadata").path("generation").asInt());
        assertEquals("200Mi", api.object("GET", V2 + "/web", null).path("spec").path("metrics").get(0)
                .path("resource").path("target").path("averageValue").asText());
        ((ObjectNode) updated.path("metadata")).putObject("labels").put("a", "b");
        assertEquals(2, api.object("PUT", V1 + "/web", updated.toString()).path("metadata").path("generation")
                .asInt(), "a label is no spec change");
    }

    @Test
    void staleV1UpdateIsAConflict() {
        ObjectNode v1 = api.object("POST", V1, hpaV1("x", 50));
        api.request("PATCH", V2 + "/x", "{\"spec\":{\"maxReplicas\":5}}", "application/merge-patch+json");
        ((ObjectNode) v1.path("spec")).put("maxReplicas", 4);
        assertEquals(409, api.failure("PUT", V1 + "/x", v1.toString()).code());
    }

    @Test
    void everyPatchKindWorksThroughV1() {
        api.call("POST", V2, HPA_V2);
        ApiResponse.Body merge = (ApiResponse.Body) api.request("PATCH", V1 + "/web",
                "{\"spec\":{\"targetCPUUtilizationPercentage\":70}}", "application/merge-patch+json");
        assertEquals(70, merge.object().path("spec").path("targetCPUUtilizationPercentage").asInt());
        ApiResponse.Body json = (ApiResponse.Body) api.request("PATCH", V1 + "/web",
                "[{\"op\":\"replace\",\"path\":\"/spec/minReplicas\",\"value\":3}]", "application/json-patch+json");
        assertEquals(3, json.object().path("spec").path("minReplicas").asInt());
        ApiResponse.Body strategic = (ApiResponse.Body) api.request("PATCH", V1 + "/web",
                "{\"metadata\":{\"labels\":{\"tier\":\"web\"}},\"spec\":{\"maxReplicas\":7}}",
                "application/strategic-merge-patch+json");
        assertEquals(7, strategic.object().path("spec").path("maxReplicas").asInt());
        JsonNode v2 = api.object("GET", V2 + "/web", null);
        assertEquals("web", v2.path("metadata").path("labels").path("tier").asText());
        assertEquals(3, v2.path("spec").path("minReplicas").asInt());
        assertEquals("memory", v2.path("spec").path("metrics").get(0).path("resource").path("name").asText(),
                "patches through v1 keep the metrics v1 cannot show");
        assertEquals(70, v2.path("spec").path("metrics").get(1).path("resource").path("target")
                .path("averageUtilization").asInt());
        assertTrue(v2.path("spec").has("behavior"));
    }

    @Test
    void listsAndWatchesAnswerInTheVersionAsked() throws Exception {
        api.call("POST", V1, hpaV1("a", 50));
        api.call("POST", V2, HPA_V2);
        for (String query : List.of("", "?resourceVersion=0")) {
            JsonNode v1List = api.object("GET", V1 + query, null);
            assertEquals("HorizontalPodAutoscalerList", v1List.path("kind").asText());
            assertEquals("autoscaling/v1", v1List.path("apiVersion").asText());
            assertEquals(2, v1List.path("items").size());
            for (JsonNode item : v1List.path("items")) {
                assertEquals("autoscaling/v1", item.path("apiVersion").asText(), query);
            }
            JsonNode v2List = api.object("GET", V2 + query, null);
            for (JsonNode item : v2List.path("items")) {
                assertEquals("autoscaling/v2", item.path("apiVersion").asText(), query);
            }
        }
        ApiFixture.Frames v1Frames = watch(V1 + "?watch=1");
        ApiFixture.Frames v2Frames = watch(V2 + "?watch=1");
        api.request("PATCH", V2 + "/a", "{\"spec\":{\"maxReplicas\":9}}", "application/merge-patch+json");
        api.call("DELETE", V1 + "/web", null);
        awaitFrames(v1Frames, 4);
        awaitFrames(v2Frames, 4);
        assertEquals(List.of("ADDED a", "ADDED web", "MODIFIED a", "DELETED web"), v1Frames.summary());
        assertEquals(List.of("ADDED a", "ADDED web", "MODIFIED a", "DELETED web"), v2Frames.summary());
        for (WatchFrame f : v1Frames.frames) {
            assertEquals("autoscaling/v1", f.object().path("apiVersion").asText());
        }
        for (WatchFrame f : v2Frames.frames) {
            assertEquals("autoscaling/v2", f.object().path("apiVersion").asText());
        }
        assertEquals(9, v1Frames.frames.get(2).object().path("spec").path("maxReplicas").asInt());
    }

    @Test
    void aCoreEventIsReadableAsEventsV1AndViceVersa() {
        api.call("POST", CORE_EVENTS, """
                {"apiVersion":"v1","kind":"Event","metadata":{"name":"web.1"},
                 "involvedObject":{"kind":"Pod","namespace":"default","name":"web"},
                 "reason":"Pulled","message":"Pulled image","source":{"component":"kubelet","host":"node-1"},
                 "firstTimestamp":"2026-11-23T04:00:00Z","lastTimestamp":"2026-11-23T04:00:00Z","count":1,
                 "type":"Normal"}
                """);
        ObjectNode asEvents = api.object("GET", EVENTS + "/web.1", null);
        assertEquals("events.k8s.io/v1", asEvents.path("apiVersion").asText());
        assertEquals("Pulled image", asEvents.path("note").asText());
        assertEquals("web", asEvents.path("regarding").path("name").asText());
        assertEquals("kubelet", asEvents.path("deprecatedSource").path("component").asText());
        assertEquals(1, asEvents.path("deprecatedCount").asInt());

        api.call("POST", EVENTS, """
                {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"scaled.1"},
                 "eventTime":"2026-11-23T04:00:00.000000Z","reportingController":"example.com/scaler",
                 "reportingInstance":"scaler-1","action":"Scale","reason":"Scaled",
                 "regarding":{"kind":"Deployment","namespace":"default","name":"web"},"note":"to 3","type":"Normal"}
                """);
        ObjectNode asCore = api.object("GET", CORE_EVENTS + "/scaled.1", null);
        assertEquals("v1", asCore.path("apiVersion").asText());
        assertEquals("to 3", asCore.path("message").asText());
        assertEquals("web", asCore.path("involvedObject").path("name").asText());
        assertEquals("example.com/scaler", asCore.path("reportingComponent").asText());
        assertTrue(api.kv.get("/registry/events/default/scaled.1").isPresent(), "one place for both");

        assertEquals(2, api.object("GET", CORE_EVENTS, null).path("items").size());
        assertEquals(2, api.object("GET", EVENTS + "?resourceVersion=0", null).path("items").size());
    }

    @Test
    void eventFieldSelectorsKeepTheirNamesInEachVersion() {
        api.call("POST", CORE_EVENTS, """
                {"apiVersion":"v1","kind":"Event","metadata":{"name":"a"},
                 "involvedObject":{"kind":"Pod","namespace":"default","name":"web"},"reason":"Pulled",
                 "source":{"component":"kubelet"},"type":"Normal"}
                """);
        api.call("POST", EVENTS, """
                {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"b"},
                 "eventTime":"2026-11-23T04:00:00.000000Z","reportingController":"example.com/scaler",
                 "reportingInstance":"scaler-1","action":"Scale","reason":"Scaled",
                 "regarding":{"kind":"Deployment","namespace":"default","name":"api"},"type":"Warning"}
                """);
        for (String query : List.of("", "&resourceVersion=0")) {
            assertEquals(List.of("a"), names(CORE_EVENTS + "?fieldSelector=involvedObject.name%3Dweb" + query));
            assertEquals(List.of("b"), names(CORE_EVENTS + "?fieldSelector=involvedObject.kind%3DDeployment" + query));
            assertEquals(List.of("b"), names(CORE_EVENTS + "?fieldSelector=type%3DWarning" + query));
            assertEquals(List.of("a"), names(CORE_EVENTS + "?fieldSelector=source%3Dkubelet" + query));
            assertEquals(List.of("a"), names(EVENTS + "?fieldSelector=regarding.name%3Dweb" + query));
            assertEquals(List.of("b"), names(EVENTS + "?fieldSelector=reportingController%3Dexample.com%2Fscaler"
                    + query));
            assertEquals(List.of("b"), names(EVENTS + "?fieldSelector=reason%3DScaled" + query));
        }
        assertEquals(400, api.failure("GET", EVENTS + "?fieldSelector=involvedObject.name%3Dweb", null).code(),
                "events.k8s.io does not know the core names");
    }

    @Test
    void eachVersionKeepsItsOwnValidation() {
        // a core Event needs none of events.k8s.io's reporting fields; through events.k8s.io they are required
        String bare = "{\"metadata\":{\"name\":\"bare\"},\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":"
                + "\"default\",\"name\":\"web\"},\"type\":\"Normal\"}";
        assertEquals(422, api.failure("POST", EVENTS, bare.replace("involvedObject", "regarding")).code());
        assertEquals(201, api.call("POST", CORE_EVENTS, bare).code());
    }

    private List<String> names(String url) {
        List<String> names = new ArrayList<>();
        api.object("GET", url, null).path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
        return names;
    }

    private ApiFixture.Frames watch(String url) {
        ApiResponse.Stream stream = (ApiResponse.Stream) api.request("GET", url, null, null);
        ApiFixture.Frames frames = new ApiFixture.Frames();
        stream.session().start(frames);
        return frames;
    }

    private static void awaitFrames(ApiFixture.Frames frames, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (frames.frames.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
