package io.karst.controllers.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.InformerFactory;
import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ReconcileResult;
import io.karst.api.controller.WorkQueue;
import io.karst.apiserver.testing.InProcessApi;

/** The controller's reconcile against the real resource API; the runtime that calls it is tested on its own. */
class NamespaceControllerTest {
    static final ResourceKey CONFIGMAPS = new ResourceKey("", "v1", "configmaps");
    static final ResourceKey SECRETS = new ResourceKey("", "v1", "secrets");
    static final ResourceKey DEPLOYMENTS = new ResourceKey("apps", "v1", "deployments");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    ResourceClient client;
    NamespaceController controller = new NamespaceController();

    /** Only what reconcile needs: the client. */
    private final class DirectContext implements ControllerContext {
        @Override
        public ResourceClient client() {
            return client;
        }

        @Override
        public InformerFactory informers() {
            return client.informers();
        }

        @Override
        public void handle(Informer informer, ResourceEventHandler handler) {
        }

        @Override
        public WorkQueue queue() {
            throw new UnsupportedOperationException("not used by reconcile");
        }

        @Override
        public EventRecorder events() {
            throw new UnsupportedOperationException("not used by reconcile");
        }
    }

    @BeforeEach
    void start() throws Exception {
        api = new InProcessApi(dir);
        client = api.client();
        controller.start(new DirectContext());
        create(NamespaceController.NAMESPACES, null, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                + "\"metadata\":{\"name\":\"doomed\"}}");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private ObjectNode create(ResourceKey key, String namespace, String json) throws Exception {
        return client.resource(key).inNamespace(namespace).create((ObjectNode) JSON.readTree(json));
    }

    private static String configMap(String name, String finalizers) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\""
                + (finalizers == null ? "" : ",\"finalizers\":" + finalizers) + "}}";
    }

    private JsonNode condition(String type) {
        for (JsonNode c : client.resource(NamespaceController.NAMESPACES).get("doomed").path("status")
                .path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        throw new AssertionError("no condition " + type);
    }

    @Test
    void aDeletedNamespaceLosesItsContentAndThenGoesAway() throws Exception {
        create(CONFIGMAPS, "doomed", configMap("one", null));
        create(SECRETS, "doomed", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"}}");
        create(DEPLOYMENTS, "doomed", "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":"
                + "{\"name\":\"web\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":"
                + "{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"busybox\"}]}}}}");
        create(CONFIGMAPS, "default", configMap("bystander", null));
        client.resource(NamespaceController.NAMESPACES).delete("doomed");
        assertEquals("Terminating", client.resource(NamespaceController.NAMESPACES).get("doomed").path("status")
                .path("phase").asText());

        assertEquals(ReconcileResult.DONE, controller.reconcile("doomed"));

        assertTrue(client.resource(NamespaceController.NAMESPACES).find("doomed").isEmpty());
        assertTrue(client.resource(CONFIGMAPS).inNamespace("doomed").list().items().isEmpty());
        assertTrue(client.resource(DEPLOYMENTS).inNamespace("doomed").list().items().isEmpty());
        assertTrue(client.resource(CONFIGMAPS).inNamespace("default").find("bystander").isPresent());
    }

    @Test
    void contentWithAFinalizerKeepsTheNamespaceWithConditionsSayingWhy() throws Exception {
        create(CONFIGMAPS, "doomed", configMap("kept", "[\"example.com/keep\"]"));
        client.resource(NamespaceController.NAMESPACES).delete("doomed");

        ReconcileResult result = controller.reconcile("doomed");

        assertEquals(NamespaceController.RECHECK, result.requeueAfter());
        JsonNode remaining = condition(DeletionConditions.CONTENT_REMAINING);
        assertEquals("True", remaining.path("status").asText());
        assertEquals("SomeResourcesRemain", remaining.path("reason").asText());
        assertEquals("Some resources are remaining: configmaps. has 1 resource instances",
                remaining.path("message").asText());
        JsonNode finalizers = condition(DeletionConditions.FINALIZERS_REMAINING);
        assertEquals("Some finalizers are remaining: example.com/keep in 1 resource instances",
                finalizers.path("message").asText());
        assertEquals("False", condition(DeletionConditions.DISCOVERY_FAILURE).path("status").asText());
        assertEquals("ContentDeleted", condition(DeletionConditions.CONTENT_FAILURE).path("reason").asText());

        // the finalizer's owner lets go: the next pass finishes the namespace
        client.resource(CONFIGMAPS).inNamespace("doomed").patch("kept", PatchTypes.MERGE_PATCH,
                JSON.readTree("{\"metadata\":{\"finalizers\":null}}"));
        assertEquals(ReconcileResult.DONE, controller.reconcile("doomed"));
        assertTrue(client.resource(NamespaceController.NAMESPACES).find("doomed").isEmpty());
    }

    @Test
    void aNamespaceNotBeingDeletedIsLeftAlone() throws Exception {
        create(CONFIGMAPS, "doomed", configMap("stays", null));
        assertEquals(ReconcileResult.DONE, controller.reconcile("doomed"));
        assertTrue(client.resource(CONFIGMAPS).inNamespace("doomed").find("stays").isPresent());
        assertFalse(client.resource(NamespaceController.NAMESPACES).get("doomed").path("status")
                .has("conditions"));
        assertEquals(ReconcileResult.DONE, controller.reconcile("never-existed"));
    }

    @Test
    void conditionsKeepTheirTransitionTimeWhenOnlyTheMessageChanges() {
        ObjectNode ns = JSON.createObjectNode();
        DeletionConditions first = new DeletionConditions();
        first.remaining(java.util.Map.of("configmaps.", 2), java.util.Map.of());
        assertTrue(first.applyTo(ns, java.time.Instant.parse("2026-01-01T00:00:00Z")));
        DeletionConditions second = new DeletionConditions();
        second.remaining(java.util.Map.of("configmaps.", 1), java.util.Map.of());
        assertTrue(second.applyTo(ns, java.time.Instant.parse("2026-01-01T00:01:00Z")));
        assertFalse(second.applyTo(ns, java.time.Instant.parse("2026-01-01T00:02:00Z")), "nothing new");
        JsonNode remaining = ns.path("status").path("conditions").get(3);
        assertEquals("2026-01-01T00:00:00Z", remaining.path("lastTransitionTime").asText());
        assertTrue(remaining.path("message").asText().contains("has 1 resource"));
        assertEquals(Duration.ofSeconds(5), NamespaceController.RECHECK);
    }
}
