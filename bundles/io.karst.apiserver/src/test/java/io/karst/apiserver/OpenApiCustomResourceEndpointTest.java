package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.admission.BuiltinAdmission;
import io.karst.apiserver.crd.CustomResourceDefinitionController;
import io.karst.apiserver.endpoint.ApiFixture;
import io.karst.apiserver.openapi.CustomResourceSchemasTest;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.status.ApiException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * The OpenAPI endpoint follows the CRD controller: a CRD's documents appear once it is established, change (new
 * hash, old hash redirected) when it is updated, and are gone after its deletion; the built-in documents keep
 * their hashes meanwhile.
 */
class OpenApiCustomResourceEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    private static final String GV = "apis/stable.example.com/v1";

    @TempDir
    Path dir;
    ApiFixture api;
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    CustomResourceDefinitionController controller;
    OpenApiEndpoint endpoint;

    @BeforeEach
    void start() {
        api = new ApiFixture(dir, (store, kv) -> new BuiltinAdmission(store,
                new ResourceRegistry(BuiltinResources.all())));
        controller = new CustomResourceDefinitionController(api.store(), api.registry, BuiltinResources.all(),
                executor, Clock.systemUTC());
        endpoint = new OpenApiEndpoint(SchemaModel.builtIn(), api.registry, controller::established);
        controller.start();
    }

    @AfterEach
    void stop() {
        controller.close();
        executor.shutdownNow();
        api.close();
    }

    @Test
    void aCrdsDocumentsAppearWhenEstablishedChangeWithItAndGoWithIt() throws Exception {
        JsonNode before = json(endpoint.answer("/openapi/v3", Map.of(), "application/json", null));
        assertFalse(before.path("paths").has(GV));
        String coreUrl = before.at("/paths/api~1v1/serverRelativeURL").asText();

        String crd = CustomResourceSchemasTest.crd("stable.example.com", "crontabs", "CronTab",
                CustomResourceSchemasTest.SCHEMA, "v1");
        api.call("POST", CRDS, crd);
        JsonNode index = await(i -> i.path("paths").has(GV));
        String url = index.at("/paths/" + GV.replace("/", "~1") + "/serverRelativeURL").asText();
        assertEquals(coreUrl, index.at("/paths/api~1v1/serverRelativeURL").asText(), "built-in hashes are kept");
        FullHttpResponse doc = get(url);
        assertEquals(200, doc.status().code());
        assertEquals("public, immutable", doc.headers().get(HttpHeaderNames.CACHE_CONTROL));
        JsonNode schemas = json(doc).at("/components/schemas");
        assertEquals("the schedule in cron format",
                schemas.at("/com.example.stable.v1.CronTab/properties/spec/properties/cronSpec/description").asText());
        JsonNode v2 = json(endpoint.answer("/openapi/v2", Map.of(), "application/json", null));
        assertTrue(v2.path("definitions").has("com.example.stable.v1.CronTabList"));
        FullHttpResponse proto = endpoint.answer("/openapi/v2", Map.of(),
                "application/com.github.proto-openapi.spec.v2@v1.0+protobuf", null);
        assertTrue(new String(bytes(proto), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("com.example.stable.v1.CronTab"));

        ObjectNode stored = api.object("GET", CRDS + "/crontabs.stable.example.com", null);
        ((ObjectNode) stored.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/cronSpec"))
                .put("description", "when the command runs");
        api.call("PUT", CRDS + "/crontabs.stable.example.com", stored.toString());
        JsonNode changed = await(i -> !i.at("/paths/" + GV.replace("/", "~1") + "/serverRelativeURL").asText()
                .equals(url));
        String newUrl = changed.at("/paths/" + GV.replace("/", "~1") + "/serverRelativeURL").asText();
        assertNotEquals(url, newUrl);
        FullHttpResponse stale = get(url);
        assertEquals(301, stale.status().code(), "a stale hash is redirected to the current one");
        assertEquals(newUrl, stale.headers().get(HttpHeaderNames.LOCATION));
        assertTrue(new String(bytes(get(newUrl))).contains("when the command runs"));

        api.call("DELETE", CRDS + "/crontabs.stable.example.com", null);
        await(i -> !i.path("paths").has(GV));
        assertThrows(ApiException.class, () -> get("/openapi/v3/" + GV));
        assertFalse(json(endpoint.answer("/openapi/v2", Map.of(), "application/json", null)).path("definitions")
                .has("com.example.stable.v1.CronTab"));
    }

    private FullHttpResponse get(String url) {
        int q = url.indexOf('?');
        Map<String, List<String>> query = q < 0 ? Map.of()
                : Map.of("hash", List.of(url.substring(url.indexOf('=') + 1)));
        return endpoint.answer(q < 0 ? url : url.substring(0, q), query, "application/json", null);
    }

    private JsonNode await(Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            JsonNode index = json(endpoint.answer("/openapi/v3", Map.of(), "application/json", null));
            if (until.test(index)) {
                return index;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("index never matched: " + index);
            }
            Thread.sleep(10);
        }
    }

    private static byte[] bytes(FullHttpResponse response) {
        try {
            byte[] body = new byte[response.content().readableBytes()];
            response.content().getBytes(response.content().readerIndex(), body);
            return body;
        } finally {
            response.release();
        }
    }

    private static JsonNode json(FullHttpResponse response) throws Exception {
        return JSON.readTree(bytes(response));
    }
}
