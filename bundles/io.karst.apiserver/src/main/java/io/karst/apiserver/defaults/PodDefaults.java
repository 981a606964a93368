package io.karst.apiserver.defaults;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;

/**
 * Upstream's Pod-only defaults ({@code SetDefaults_Pod}): requests copied from limits where unset, service links
 * on, host ports equal to container ports under host networking, then the pod-spec defaults.
 */
final class PodDefaults implements Defaulter {
    @Override
    public void apply(ObjectNode pod) {
        ObjectNode spec = Json.objOrCreate(pod, "spec");
        for (String list : List.of("containers", "initContainers")) {
            for (ObjectNode c : Json.objects(spec, list)) {
                requestsFromLimits(c);
            }
        }
        Json.putIfAbsent(spec, "enableServiceLinks", true);
        if (Json.bool(spec, "hostNetwork")) {
            for (String list : List.of("containers", "initContainers")) {
                for (ObjectNode c : Json.objects(spec, list)) {
                    for (ObjectNode p : Json.objects(c, "ports")) {
                        if (Json.integer(p, "hostPort", 0) == 0) {
                            Json.putNumber(p, "hostPort", Json.integer(p, "containerPort", 0));
                        }
                    }
                }
            }
        }
        PodSpecDefaults.applyToSpec(spec);
    }

    private static void requestsFromLimits(ObjectNode c) {
        ObjectNode resources = Json.obj(c, "resources");
        ObjectNode limits = Json.obj(resources, "limits");
        if (limits == null) {
            return;
        }
        ObjectNode requests = Json.objOrCreate(resources, "requests");
        for (Iterator<Map.Entry<String, JsonNode>> it = limits.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!requests.has(e.getKey())) {
                requests.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }
}
