package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.conversion.HorizontalPodAutoscalerConversion;
import io.karst.apiserver.endpoint.RequestPath;
import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;

/** Tables of versions stored as others print as upstream prints every version: from the stored form. */
class ResponseConversionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    private static final ResourceRegistry REGISTRY = new ResourceRegistry(BuiltinResources.all());
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T05:00:00Z"), ZoneOffset.UTC);

    private static final String HPA_V2 = """
            {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
             "metadata":{"name":"web","namespace":"default","creationTimestamp":"2026-11-23T04:00:00Z"},
             "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
               "minReplicas":2,"maxReplicas":10,
               "metrics":[{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"100Mi"}}},
                 {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]},
             "status":{"currentReplicas":3,"desiredReplicas":3}}
            """;

    @Test
    void aV1HpaTableHasTheV2RowWithEveryMetric() throws Exception {
        ObjectNode v2 = (ObjectNode) JSON.readTree(HPA_V2);
        ObjectNode v1 = HorizontalPodAutoscalerConversion.INSTANCE.fromStorage(v2);
        JsonNode v1Table = table("autoscaling", "v1", v1);
        JsonNode v2Table = table("autoscaling", "v2", v2);
        assertEquals(v2Table.path("columnDefinitions"), v1Table.path("columnDefinitions"));
        assertEquals(v2Table.path("rows").get(0).path("cells"), v1Table.path("rows").get(0).path("cells"));
        assertEquals("autoscaling/v1", v1Table.path("rows").get(0).path("object").path("apiVersion").asText(),
                "the row's object stays in the version asked for");
        assertEquals(List.of("Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"),
                JSON.convertValue(v1Table.path("columnDefinitions").findValuesAsText("name"), List.class));
    }

    private static JsonNode table(String group, String version, ObjectNode object) {
        ResourceType type = REGISTRY.find(group, version, "horizontalpodautoscalers").orElseThrow();
        RequestPath path = RequestPath.parse(type.groupVersionPath() + "/namespaces/default/horizontalpodautoscalers/web")
                .orElseThrow();
        ResourceRequest request = new ResourceRequest(path, type, "GET",
                Map.of("includeObject", List.of("Object")), new byte[0], null);
        return ResponseConversion.negotiate(TABLE, CLOCK).body(request, object);
    }
}
