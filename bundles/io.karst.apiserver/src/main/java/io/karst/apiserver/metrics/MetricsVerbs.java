package io.karst.apiserver.metrics;

import java.time.Clock;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;

/** What both metrics resources share: read-only verbs, and the shape of their objects and lists. */
final class MetricsVerbs {
    private MetricsVerbs() {
    }

    /** get and list only: metrics-server serves no writes and no watch (405). */
    static void requireRead(ResourceRequest request) {
        boolean read = request.method().equals("GET") || request.method().equals("HEAD");
        if (!read || request.path().watch() || request.flag("watch") || request.subresource() != null) {
            throw ApiException.methodNotAllowed();
        }
    }

    /**
     * A metrics object named and labelled as the Node or Pod it measures, created now (metrics-server builds them
     * per request).
     */
    static ObjectNode object(ResourceType type, JsonNode measured, Clock clock) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("kind", type.kind());
        out.put("apiVersion", type.apiVersion());
        ObjectNode meta = out.putObject("metadata");
        JsonNode source = measured.path("metadata");
        meta.put("name", source.path("name").asText());
        if (type.namespaced()) {
            meta.put("namespace", source.path("namespace").asText());
        }
        meta.put("creationTimestamp", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        if (source.path("labels").isObject()) {
            meta.set("labels", source.path("labels").deepCopy());
        }
        return out;
    }

    static ObjectNode list(ResourceType type, ArrayNode items) {
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("kind", type.listKind());
        list.put("apiVersion", type.apiVersion());
        list.putObject("metadata");
        list.set("items", items);
        return list;
    }
}
