package io.karst.apiserver.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.status.ApiException;

class ResourceEndpointTest {
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

    @Test
    void createSetsServerOwnedMetadataAndGetReturnsIt() {
        ApiResponse.Body created = api.call("POST", "/api/v1/namespaces/default/configmaps",
                ApiFixture.configMap("one", "{\"a\":\"b\"}"));
        assertEquals(201, created.code());
        JsonNode meta = created.object().path("metadata");
        assertEquals("default", meta.path("namespace").asText());
        assertFalse(meta.path("uid").asText().isEmpty());
        assertTrue(meta.path("creationTimestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertFalse(meta.has("generation"), "ConfigMaps do not count generations");
        ObjectNode got = api.object("GET", "/api/v1/namespaces/default/configmaps/one", null);
        assertEquals(created.object(), got);
    }

    @Test
    void createTwiceIsAlreadyExists() {
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("one", "{}"));
        ApiException e = api.failure("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("one", "{}"));
        assertEquals(409, e.code());
        assertEquals("AlreadyExists", e.reason());
        assertEquals("configmaps \"one\" already exists", e.getMessage());
    }

    @Test
    void createInMissingNamespaceIsNotFoundAndStoresNothing() {
        long before = api.kv.currentRevision();
        ApiException e = api.failure("POST", "/api/v1/namespaces/nowhere/configmaps",
                ApiFixture.configMap("one", "{}"));
        assertEquals(404, e.code());
        assertEquals("namespaces \"nowhere\" not found", e.getMessage());
        assertEquals(before, api.kv.currentRevision());
    }

    @Test
    void wrongKindOrApiVersionOrNamespaceIsBadRequest() {
        assertEquals(400, api.failure("POST", "/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"x\"}}").code());
        assertEquals(400, api.failure("POST", "/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}").code());
        assertEquals(400, api.failure("POST", "/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"namespace\":\"kube-system\"}}")
                .code());
        assertEquals(400, api.failure("POST", "/api/v1/namespaces/default/configmaps", "{\"apiVersion\":").code());
    }

    @Test
    void generateNameAddsFiveCharacters() {
        ObjectNode created = api.object("POST", "/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":\"gen-\"}}");
        assertTrue(created.path("metadata").path("name").asText().matches("gen-[bcdfghjklmnpqrstvwxz2456789]{5}"));
    }

    @Test
    void staleUpdateIsConflictAndUnconditionalUpdateWins() {
        ObjectNode v1 = api.object("POST", "/api/v1/namespaces/default/configmaps",
                ApiFixture.configMap("c", "{\"a\":\"1\"}"));
        ObjectNode v2 = v1.deepCopy();
        ((ObjectNode) v2.get("data")).put("a", "2");
        ObjectNode stored = api.object("PUT", "/api/v1/namespaces/default/configmaps/c", v2.toString());
        assertNotEquals(v1.path("metadata").path("resourceVersion"), stored.path("metadata").path("resourceVersion"));
        ApiException conflict = api.failure("PUT", "/api/v1/namespaces/default/configmaps/c", v1.toString());
        assertEquals(409, conflict.code());
        assertEquals("Conflict", conflict.reason());
        assertTrue(conflict.getMessage().contains("the object has been modified"), conflict.getMessage());
        ((ObjectNode) v1.get("metadata")).remove("resourceVersion");
        assertEquals("1", api.object("PUT", "/api/v1/namespaces/default/configmaps/c", v1.toString())
                .path("data").path("a").asText());
    }

    @Test
    void generationCountsSpecChangesButNotStatusOrMetadata() {
        String deployment = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
                + "\"spec\":{\"replicas\":1},\"status\":{\"replicas\":5}}";
        ObjectNode d = api.object("POST", "/apis/apps/v1/namespaces/default/deployments", deployment);
        assertEquals(1, d.path("metadata").path("generation").asInt());
        assertTrue(d.path("status").isEmpty(), "status is not taken from a create");
        ObjectNode labelled = (ObjectNode) ((ApiResponse.Body) api.request("PATCH",
                "/apis/apps/v1/namespaces/default/deployments/d", "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}",
                "application/merge-patch+json")).object();
        assertEquals(1, labelled.path("metadata").path("generation").asInt());
        ApiResponse.Body scaled = (ApiResponse.Body) api.request("PATCH",
                "/apis/apps/v1/namespaces/default/deployments/d", "{\"spec\":{\"replicas\":3}}",
                "application/merge-patch+json");
        assertEquals(2, scaled.object().path("metadata").path("generation").asInt());
        ObjectNode status = api.object("GET", "/apis/apps/v1/namespaces/default/deployments/d", null);
        status.putObject("status").put("replicas", 3);
        status.with("spec").put("replicas", 9);
        ObjectNode afterStatus = api.object("PUT", "/apis/apps/v1/namespaces/default/deployments/d/status",
                status.toString());
        assertEquals(3, afterStatus.path("status").path("replicas").asInt());
        assertEquals(3, afterStatus.path("spec").path("replicas").asInt(), "a status update leaves spec alone");
    }

    @Test
    void scaleSubresourceReadsAndWritesReplicas() {
        api.call("POST", "/apis/apps/v1/namespaces/default/deployments", "{\"apiVersion\":\"apps/v1\","
                + "\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":2,\"selector\":"
                + "{\"matchLabels\":{\"app\":\"d\"}}}}");
        ObjectNode scale = api.object("GET", "/apis/apps/v1/namespaces/default/deployments/d/scale", null);
        assertEquals("Scale", scale.path("kind").asText());
        assertEquals("autoscaling/v1", scale.path("apiVersion").asText());
        assertEquals(2, scale.path("spec").path("replicas").asInt());
        assertEquals("app=d", scale.path("status").path("selector").asText());
        ApiResponse.Body patched = (ApiResponse.Body) api.request("PATCH",
                "/apis/apps/v1/namespaces/default/deployments/d/scale", "{\"spec\":{\"replicas\":4}}",
                "application/merge-patch+json");
        assertEquals(4, patched.object().path("spec").path("replicas").asInt());
        assertEquals(4, api.object("GET", "/apis/apps/v1/namespaces/default/deployments/d", null)
                .path("spec").path("replicas").asInt());
    }

    @Test
    void jsonPatchAndFailedTestChangeNothing() {
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("c", "{\"a\":\"1\"}"));
        ApiResponse.Body patched = (ApiResponse.Body) api.request("PATCH",
                "/api/v1/namespaces/default/configmaps/c", "[{\"op\":\"add\",\"path\":\"/data/b\",\"value\":\"2\"}]",
                "application/json-patch+json");
        assertEquals("2", patched.object().path("data").path("b").asText());
        long before = api.kv.currentRevision();
        try {
            api.request("PATCH", "/api/v1/namespaces/default/configmaps/c",
                    "[{\"op\":\"test\",\"path\":\"/data/a\",\"value\":\"9\"},{\"op\":\"remove\",\"path\":\"/data\"}]",
                    "application/json-patch+json");
            throw new AssertionError("patch applied");
        } catch (ApiException e) {
            assertEquals(422, e.code());
        }
        assertEquals(before, api.kv.currentRevision());
    }

    @Test
    void listPagesWithContinueAtOneRevisionAcrossConcurrentWrites() {
        for (int i = 0; i < 5; i++) {
            api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("c" + i, "{}"));
        }
        ObjectNode first = api.object("GET", "/api/v1/namespaces/default/configmaps?limit=2", null);
        assertEquals(2, first.path("items").size());
        String token = first.path("metadata").path("continue").asText();
        assertFalse(token.isEmpty());
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("c9", "{}"));
        api.call("DELETE", "/api/v1/namespaces/default/configmaps/c4", null);
        ObjectNode second = api.object("GET", "/api/v1/namespaces/default/configmaps?limit=10&continue=" + token, null);
        assertEquals(first.path("metadata").path("resourceVersion"), second.path("metadata").path("resourceVersion"));
        assertEquals(3, second.path("items").size(), "the snapshot of the first page: c2, c3, c4");
        assertTrue(second.path("metadata").path("continue").isMissingNode());
        ObjectNode all = api.object("GET", "/api/v1/configmaps", null);
        assertEquals(5, all.path("items").size());
        assertEquals("ConfigMapList", all.path("kind").asText());
    }

    @Test
    void garbageContinueTokenIsBadRequest() {
        assertEquals(400, api.failure("GET", "/api/v1/namespaces/default/configmaps?continue=notatoken", null).code());
    }

    @Test
    void expiredContinueTokenIsGone() {
        for (int i = 0; i < 3; i++) {
            api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("c" + i, "{}"));
        }
        String token = api.object("GET", "/api/v1/namespaces/default/configmaps?limit=1", null)
                .path("metadata").path("continue").asText();
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("later", "{}"));
        api.kv.compact(api.kv.currentRevision());
        ApiException e = api.failure("GET", "/api/v1/namespaces/default/configmaps?limit=1&continue=" + token, null);
        assertEquals(410, e.code());
        assertEquals("Expired", e.reason());
    }

    @Test
    void deleteAnswersStatusOrObjectAsUpstream() {
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("c", "{}"));
        ApiResponse.Body deleted = api.call("DELETE", "/api/v1/namespaces/default/configmaps/c", null);
        assertEquals(200, deleted.code());
        assertEquals("Status", deleted.object().path("kind").asText());
        assertEquals("Success", deleted.object().path("status").asText());
        assertEquals(404, api.failure("GET", "/api/v1/namespaces/default/configmaps/c", null).code());
    }

    @Test
    void finalizersDeferDeletionUntilTheLastIsRemoved() {
        api.call("POST", "/api/v1/namespaces/default/configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"f\",\"finalizers\":[\"example.com/hold\"]}}");
        ApiResponse.Body pending = api.call("DELETE", "/api/v1/namespaces/default/configmaps/f", null);
        assertEquals(202, pending.code());
        ObjectNode held = api.object("GET", "/api/v1/namespaces/default/configmaps/f", null);
        assertFalse(held.path("metadata").path("deletionTimestamp").asText().isEmpty());
        ApiException addFinalizer = api.failure("PATCH", "/api/v1/namespaces/default/configmaps/f", null);
        assertEquals(415, addFinalizer.code(), "a PATCH without a patch media type is refused");
        api.request("PATCH", "/api/v1/namespaces/default/configmaps/f", "{\"metadata\":{\"finalizers\":null}}",
                "application/merge-patch+json");
        assertEquals(404, api.failure("GET", "/api/v1/namespaces/default/configmaps/f", null).code());
    }

    @Test
    void propagationPolicyIsRecordedAsFinalizerForTheGarbageCollector() {
        api.call("POST", "/apis/apps/v1/namespaces/default/replicasets", "{\"apiVersion\":\"apps/v1\","
                + "\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"rs\"},\"spec\":{}}");
        ApiResponse.Body pending = (ApiResponse.Body) api.request("DELETE",
                "/apis/apps/v1/namespaces/default/replicasets/rs?propagationPolicy=Foreground", null, null);
        assertEquals(202, pending.code());
        assertEquals("foregroundDeletion", pending.object().path("metadata").path("finalizers").get(0).asText());
        ApiException both = api.failure("DELETE", "/apis/apps/v1/namespaces/default/replicasets/rs",
                "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Orphan\","
                        + "\"orphanDependents\":true}");
        assertEquals(422, both.code());
    }

    @Test
    void boundPodIsDeletedGracefullyAndUnboundPodAtOnce() {
        String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\"},\"spec\":{%s"
                + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
        ObjectNode created = api.object("POST", "/api/v1/namespaces/default/pods", String.format(pod, "free", ""));
        assertEquals("Pending", created.path("status").path("phase").asText());
        assertEquals("BestEffort", created.path("status").path("qosClass").asText());
        assertEquals(200, api.call("DELETE", "/api/v1/namespaces/default/pods/free", null).code());
        api.call("POST", "/api/v1/namespaces/default/pods", String.format(pod, "bound", "\"nodeName\":\"n1\","));
        ApiResponse.Body graceful = api.call("DELETE", "/api/v1/namespaces/default/pods/bound", null);
        assertEquals(202, graceful.code());
        assertEquals(30, graceful.object().path("metadata").path("deletionGracePeriodSeconds").asInt());
    }

    @Test
    void aTerminatingPodStaysThroughStatusWritesUntilAShorterGracePeriodEndsIt() {
        api.call("POST", "/api/v1/namespaces/default/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
                + "{\"name\":\"bound\"},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\","
                + "\"image\":\"busybox\"}]}}");
        assertEquals(202, api.call("DELETE", "/api/v1/namespaces/default/pods/bound", null).code());
        // the kubelet reports the stopped containers: the pod stays for it to finish
        ObjectNode pod = api.object("GET", "/api/v1/namespaces/default/pods/bound", null);
        ((ObjectNode) pod.path("status")).put("phase", "Failed");
        api.call("PUT", "/api/v1/namespaces/default/pods/bound/status", pod.toString());
        assertEquals(200, api.call("GET", "/api/v1/namespaces/default/pods/bound", null).code());
        // a second delete without a shorter grace period changes nothing
        ApiResponse.Body again = api.call("DELETE", "/api/v1/namespaces/default/pods/bound", null);
        assertEquals(202, again.code());
        assertEquals(30, again.object().path("metadata").path("deletionGracePeriodSeconds").asInt());
        // a shorter one is taken; zero ends the deletion
        ApiResponse.Body shorter = api.call("DELETE", "/api/v1/namespaces/default/pods/bound?gracePeriodSeconds=5",
                null);
        assertEquals(5, shorter.object().path("metadata").path("deletionGracePeriodSeconds").asInt());
        assertEquals(200, api.call("DELETE", "/api/v1/namespaces/default/pods/bound?gracePeriodSeconds=0", null)
                .code());
        assertEquals(404, api.failure("GET", "/api/v1/namespaces/default/pods/bound", null).code());
    }

    @Test
    void bindingAssignsAPodOnce() {
        api.call("POST", "/api/v1/namespaces/default/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
                + "{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
        String binding = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},"
                + "\"target\":{\"kind\":\"Node\",\"name\":\"n1\"}}";
        assertEquals(201, api.call("POST", "/api/v1/namespaces/default/pods/p/binding", binding).code());
        assertEquals("n1", api.object("GET", "/api/v1/namespaces/default/pods/p", null)
                .path("spec").path("nodeName").asText());
        assertEquals(409, api.failure("POST", "/api/v1/namespaces/default/pods/p/binding", binding).code());
    }

    @Test
    void dryRunStoresNothing() {
        long before = api.kv.currentRevision();
        ApiResponse.Body r = (ApiResponse.Body) api.request("POST",
                "/api/v1/namespaces/default/configmaps?dryRun=All", ApiFixture.configMap("dry", "{}"),
                "application/json");
        assertEquals(201, r.code());
        assertEquals(before, api.kv.currentRevision());
        assertEquals(400, api.failure("POST", "/api/v1/namespaces/default/configmaps?dryRun=Some",
                ApiFixture.configMap("dry", "{}")).code());
    }

    @Test
    void watchReplaysFromARevisionThenFollowsInOrder() throws Exception {
        ObjectNode a = api.object("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("a", "{}"));
        String rv = a.path("metadata").path("resourceVersion").asText();
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("b", "{}"));
        ApiResponse.Stream stream = (ApiResponse.Stream) api.request("GET",
                "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + rv, null, null);
        ApiFixture.Frames frames = new ApiFixture.Frames();
        stream.session().start(frames);
        api.request("PATCH", "/api/v1/namespaces/default/configmaps/a", "{\"data\":{\"x\":\"y\"}}",
                "application/merge-patch+json");
        api.call("DELETE", "/api/v1/namespaces/default/configmaps/b", null);
        awaitFrames(frames, 3);
        assertEquals(List.of("ADDED b", "MODIFIED a", "DELETED b"), frames.summary());
        stream.session().stop();
        assertTrue(frames.ended);
    }

    @Test
    void watchWithoutResourceVersionStartsWithTheCurrentState() throws Exception {
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("a", "{}"));
        ApiResponse.Stream stream = (ApiResponse.Stream) api.request("GET",
                "/api/v1/watch/namespaces/default/configmaps", null, null);
        ApiFixture.Frames frames = new ApiFixture.Frames();
        stream.session().start(frames);
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("b", "{}"));
        awaitFrames(frames, 2);
        assertEquals(List.of("ADDED a", "ADDED b"), frames.summary());
        stream.session().stop();
    }

    @Test
    void watchFromACompactedRevisionEndsWithExpiredError() throws Exception {
        for (int i = 0; i < 3; i++) {
            api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("c" + i, "{}"));
        }
        api.kv.compact(api.kv.currentRevision());
        ApiResponse.Stream stream = (ApiResponse.Stream) api.request("GET",
                "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=2", null, null);
        ApiFixture.Frames frames = new ApiFixture.Frames();
        stream.session().start(frames);
        awaitFrames(frames, 1);
        assertEquals("ERROR", frames.frames.get(0).type());
        assertEquals(410, frames.frames.get(0).object().path("code").asInt());
        assertTrue(frames.ended);
    }

    @Test
    void labelAndFieldSelectorsFilterListsAndBadOnesAreBadRequest() {
        for (String[] c : new String[][] {{"a", "web", "n1"}, {"b", "web", "n2"}, {"c", "db", "n1"}}) {
            api.call("POST", "/api/v1/namespaces/default/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                    + "\"metadata\":{\"name\":\"" + c[0] + "\",\"labels\":{\"app\":\"" + c[1] + "\"}},\"spec\":"
                    + "{\"nodeName\":\"" + c[2] + "\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
        }
        assertEquals(List.of("a", "b"), names(api.object("GET",
                "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb", null)));
        assertEquals(List.of("c"), names(api.object("GET",
                "/api/v1/namespaces/default/pods?labelSelector=app+notin+(web)", null)));
        assertEquals(List.of("a"), names(api.object("GET",
                "/api/v1/pods?labelSelector=app%3Dweb&fieldSelector=spec.nodeName%3Dn1", null)));
        assertEquals(List.of("a", "c"), names(api.object("GET",
                "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1,metadata.namespace%3Ddefault", null)));
        ApiException badField = api.failure("GET", "/api/v1/pods?fieldSelector=spec.image%3Dx", null);
        assertEquals(400, badField.code());
        assertEquals("field label not supported: spec.image", badField.getMessage());
        assertEquals(400, api.failure("GET", "/api/v1/pods?labelSelector=a+in+(", null).code());
        ObjectNode page = api.object("GET", "/api/v1/pods?labelSelector=app%3Dweb&limit=1", null);
        assertEquals(List.of("a"), names(page));
        String token = page.path("metadata").path("continue").asText();
        assertEquals(List.of("b"), names(api.object("GET",
                "/api/v1/pods?labelSelector=app%3Dweb&limit=1&continue=" + token, null)));
    }

    private static List<String> names(ObjectNode list) {
        List<String> names = new java.util.ArrayList<>();
        list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
        return names;
    }

    @Test
    void watchWithSelectorSeesObjectsEnterAndLeave() throws Exception {
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("x", "{}"));
        ApiResponse.Stream stream = (ApiResponse.Stream) api.request("GET",
                "/api/v1/namespaces/default/configmaps?watch=1&labelSelector=tier%3Dgold", null, null);
        ApiFixture.Frames frames = new ApiFixture.Frames();
        stream.session().start(frames);
        api.request("PATCH", "/api/v1/namespaces/default/configmaps/x", "{\"metadata\":{\"labels\":{\"tier\":\"gold\"}}}",
                "application/merge-patch+json");
        api.request("PATCH", "/api/v1/namespaces/default/configmaps/x", "{\"data\":{\"k\":\"v\"}}",
                "application/merge-patch+json");
        api.request("PATCH", "/api/v1/namespaces/default/configmaps/x", "{\"metadata\":{\"labels\":null}}",
                "application/merge-patch+json");
        awaitFrames(frames, 3);
        assertEquals(List.of("ADDED x", "MODIFIED x", "DELETED x"), frames.summary());
        stream.session().stop();
    }

    @Test
    void unknownVerbsAndScopesAreRefused() {
        assertEquals(405, api.failure("POST", "/api/v1/namespaces/default/configmaps/x", "{}").code());
        assertEquals(404, api.failure("GET", "/api/v1/namespaces/default/nodes", null).code());
        assertEquals(404, api.failure("GET", "/api/v1/namespaces/default/configmaps/x/nothing", null).code());
        assertEquals(404, api.failure("GET", "/api/v1/configmaps/x", null).code(), "namespaced objects need one");
        assertEquals(405, api.failure("POST", "/api/v1/configmaps", ApiFixture.configMap("x", "{}")).code());
    }

    private static void awaitFrames(ApiFixture.Frames frames, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (frames.frames.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
