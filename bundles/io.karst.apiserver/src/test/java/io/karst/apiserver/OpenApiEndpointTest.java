package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.schema.SchemaModel;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpResponse;

/** The OpenAPI documents publish a subresource's paths exactly when the registry (discovery) lists it. */
class OpenApiEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POD = "/api/v1/namespaces/{namespace}/pods/{name}";

    @Test
    void theBuiltinRegistryPublishesLogExecAttachPortforwardAndNodeProxyPaths() throws Exception {
        OpenApiEndpoint endpoint = new OpenApiEndpoint(SchemaModel.builtIn(),
                new ResourceRegistry(BuiltinResources.all()));
        for (String document : List.of("/openapi/v2", "/openapi/v3/api/v1")) {
            JsonNode paths = get(endpoint, document).path("paths");
            assertEquals("readCoreV1NamespacedPodLog", paths.path(POD + "/log").path("get").path("operationId")
                    .asText(), document);
            for (String sub : List.of("exec", "attach", "portforward")) {
                assertTrue(paths.path(POD + "/" + sub).has("get"), document + " " + sub);
                assertTrue(paths.path(POD + "/" + sub).has("post"), document + " " + sub);
            }
            List<String> proxies = new ArrayList<>();
            paths.fieldNames().forEachRemaining(p -> {
                if (p.contains("/proxy")) {
                    proxies.add(p);
                }
            });
            // the proxy the server serves (nodes/proxy is in discovery), not pods/ or services/proxy
            proxies.sort(null);
            assertEquals(List.of("/api/v1/nodes/{name}/proxy", "/api/v1/nodes/{name}/proxy/{path}"), proxies,
                    document);
            assertEquals("connectCoreV1PutNodeProxyWithPath", paths.path("/api/v1/nodes/{name}/proxy/{path}")
                    .path("put").path("operationId").asText(), document);
        }
    }

    @Test
    void aProxySubresourceInTheRegistryPublishesThePathsOfItsVerbs() throws Exception {
        List<ResourceType> types = new ArrayList<>();
        for (ResourceType t : BuiltinResources.all()) {
            if (t.group().isEmpty() && t.plural().equals("services")) {
                List<ResourceType.Subresource> subs = new ArrayList<>(t.subresources());
                subs.add(new ResourceType.Subresource("proxy", "ServiceProxyOptions", List.of("get")));
                t = new ResourceType(t.group(), t.version(), t.kind(), t.plural(), t.singular(), t.namespaced(),
                        t.shortNames(), t.categories(), t.verbs(), subs, t.storagePrefix());
            }
            types.add(t);
        }
        OpenApiEndpoint endpoint = new OpenApiEndpoint(SchemaModel.builtIn(), new ResourceRegistry(types));
        JsonNode paths = get(endpoint, "/openapi/v3/api/v1").path("paths");
        JsonNode proxy = paths.path("/api/v1/namespaces/{namespace}/services/{name}/proxy/{path}");
        assertEquals("connectCoreV1GetNamespacedServiceProxyWithPath", proxy.path("get").path("operationId").asText());
        assertEquals("ServiceProxyOptions", proxy.path("head").path("x-kubernetes-group-version-kind").path("kind")
                .asText());
        assertFalse(proxy.has("put"), "only the verbs discovery lists");
        assertFalse(paths.has("/api/v1/namespaces/{namespace}/pods/{name}/proxy"));
    }

    private static JsonNode get(OpenApiEndpoint endpoint, String path) throws Exception {
        FullHttpResponse response = endpoint.answer(path, Map.of(), "application/json", null);
        try {
            assertEquals(200, response.status().code(), path);
            return JSON.readTree(new ByteBufInputStream(response.content()));
        } finally {
            response.release();
        }
    }
}
