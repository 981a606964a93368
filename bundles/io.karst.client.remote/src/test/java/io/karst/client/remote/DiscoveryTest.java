package io.karst.client.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ApiResource;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;

class DiscoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The documents the "server" serves now, and the paths read. */
    private final Map<String, String> served = new HashMap<>();
    private final List<String> reads = new ArrayList<>();
    private final Discovery discovery = new Discovery(path -> {
        reads.add(path);
        String body = served.get(path);
        if (body == null) {
            throw new ResourceException(404, "NotFound", "the server could not find the requested resource", null);
        }
        try {
            return (ObjectNode) JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    });

    private static String list(String groupVersion, String resources) {
        return "{\"kind\":\"APIResourceList\",\"groupVersion\":\"" + groupVersion + "\",\"resources\":[" + resources
                + "]}";
    }

    private static String resource(String name, String kind, boolean namespaced) {
        return "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\",\"namespaced\":" + namespaced
                + ",\"verbs\":[\"get\",\"list\",\"watch\"]}";
    }

    @Test
    void aGroupVersionIsReadOnceAndItsResourcesKnowTheirScope() {
        served.put("/api/v1", list("v1", resource("pods", "Pod", true) + "," + resource("pods/status", "Pod", true)
                + "," + resource("nodes", "Node", false)));
        assertTrue(discovery.find(new ResourceKey("", "v1", "pods")).namespaced());
        assertFalse(discovery.find(new ResourceKey("", "v1", "nodes")).namespaced());
        assertEquals(List.of("/api/v1"), reads, "cached per group version");
    }

    @Test
    void aResourceTheCachedListDoesNotKnowMakesItReadAgain() {
        served.put("/apis/example.com/v1", list("example.com/v1", resource("widgets", "Widget", true)));
        assertEquals("Widget", discovery.find(new ResourceKey("example.com", "v1", "widgets")).kind());
        served.put("/apis/example.com/v1", list("example.com/v1", resource("widgets", "Widget", true) + ","
                + resource("gadgets", "Gadget", false)));
        ApiResource gadgets = discovery.find(new ResourceKey("example.com", "v1", "gadgets"));
        assertFalse(gadgets.namespaced());
        assertEquals(2, reads.size());

        ResourceException unknown = assertThrows(ResourceException.class,
                () -> discovery.find(new ResourceKey("example.com", "v1", "nothings")));
        assertEquals(404, unknown.code());
        assertEquals(3, reads.size(), "read again before giving up");
    }

    @Test
    void anUnservedGroupVersionIsNotFound() {
        ResourceException e = assertThrows(ResourceException.class,
                () -> discovery.find(new ResourceKey("nope.io", "v1", "things")));
        assertTrue(e.isNotFound());
    }

    @Test
    void allListsEveryGroupVersionWithThePreferredOneMarkedAndNoSubresources() {
        served.put("/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}");
        served.put("/apis", "{\"kind\":\"APIGroupList\",\"groups\":[{\"name\":\"autoscaling\",\"versions\":["
                + "{\"groupVersion\":\"autoscaling/v2\",\"version\":\"v2\"},{\"groupVersion\":\"autoscaling/v1\","
                + "\"version\":\"v1\"}],\"preferredVersion\":{\"groupVersion\":\"autoscaling/v2\",\"version\":"
                + "\"v2\"}}]}");
        served.put("/api/v1", list("v1", resource("pods", "Pod", true) + "," + resource("pods/log", "Pod", true)));
        served.put("/apis/autoscaling/v2", list("autoscaling/v2", resource("horizontalpodautoscalers",
                "HorizontalPodAutoscaler", true)));
        served.put("/apis/autoscaling/v1", list("autoscaling/v1", resource("horizontalpodautoscalers",
                "HorizontalPodAutoscaler", true) + "," + resource("horizontalpodautoscalers/status",
                        "HorizontalPodAutoscaler", true)));
        List<ApiResource> all = discovery.all();
        assertEquals(List.of("pods.v1", "horizontalpodautoscalers.v2.autoscaling",
                "horizontalpodautoscalers.v1.autoscaling"), all.stream().map(r -> r.key().toString()).toList());
        assertEquals(List.of(true, true, false), all.stream().map(ApiResource::preferred).toList());
        assertEquals(List.of("get", "list", "watch"), all.get(0).verbs());
    }
}
