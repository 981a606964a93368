package io.karst.apiserver.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;

class DiscoveryDocumentsTest {
    private final DiscoveryDocuments docs = new DiscoveryDocuments(new ResourceRegistry(BuiltinResources.all()));

    @Test
    void aggregatedCoreCarriesShortNamesCategoriesAndSubresources() {
        ObjectNode core = docs.aggregated(true, "apidiscovery.k8s.io/v2");
        assertEquals(1, core.path("items").size());
        JsonNode pods = find(core.path("items").get(0).path("versions").get(0).path("resources"), "pods");
        assertEquals("po", pods.path("shortNames").get(0).asText());
        assertEquals("all", pods.path("categories").get(0).asText());
        assertEquals("Namespaced", pods.path("scope").asText());
        assertEquals("pod", pods.path("singularResource").asText());
        boolean eviction = false;
        for (JsonNode s : pods.path("subresources")) {
            if (s.path("subresource").asText().equals("eviction")) {
                eviction = s.path("responseKind").path("group").asText().equals("policy");
            }
        }
        assertTrue(eviction, "pods/eviction answers a policy/v1 Eviction");
    }

    @Test
    void groupListPrefersNewestVersionAndStartsWithApps() {
        ObjectNode list = docs.groupList();
        assertEquals("apps", list.path("groups").get(0).path("name").asText());
        for (JsonNode g : list.path("groups")) {
            if (g.path("name").asText().equals("autoscaling")) {
                assertEquals("autoscaling/v2", g.path("preferredVersion").path("groupVersion").asText());
            }
        }
    }

    @Test
    void autoscalingServesV2PreferredAndV1FromTheSameStorage() {
        for (JsonNode g : docs.groupList().path("groups")) {
            if (g.path("name").asText().equals("autoscaling")) {
                assertEquals("autoscaling/v2", g.path("versions").get(0).path("groupVersion").asText());
                assertEquals("autoscaling/v1", g.path("versions").get(1).path("groupVersion").asText());
            }
        }
        JsonNode v1 = docs.resourceList("autoscaling", "v1").orElseThrow();
        JsonNode hpa = find(v1.path("resources"), "horizontalpodautoscalers");
        assertEquals("HorizontalPodAutoscaler", hpa.path("kind").asText());
        assertEquals("hpa", hpa.path("shortNames").get(0).asText());
        assertEquals("HorizontalPodAutoscaler", find(v1.path("resources"), "horizontalpodautoscalers/status")
                .path("kind").asText());
        ObjectNode aggregated = docs.aggregated(false, "apidiscovery.k8s.io/v2");
        for (JsonNode g : aggregated.path("items")) {
            if (g.path("metadata").path("name").asText().equals("autoscaling")) {
                assertEquals("v2", g.path("versions").get(0).path("version").asText());
                assertEquals("v1", g.path("versions").get(1).path("version").asText());
            }
        }
    }

    @Test
    void resourceListNamesScaleSubresourceKind() {
        JsonNode apps = docs.resourceList("apps", "v1").orElseThrow();
        JsonNode scale = find(apps.path("resources"), "deployments/scale");
        assertEquals("autoscaling", scale.path("group").asText());
        assertEquals("Scale", scale.path("kind").asText());
        assertTrue(docs.resourceList("apps", "v9").isEmpty());
    }

    private static JsonNode find(JsonNode resources, String name) {
        for (JsonNode r : resources) {
            if (r.path("resource").asText(r.path("name").asText()).equals(name)) {
                return r;
            }
        }
        throw new AssertionError(name + " not in " + resources);
    }
}
