package io.karst.apiserver.defaults;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;
import io.karst.apiserver.validation.Quantity;

/** A pod's quality-of-service class from its containers' CPU and memory requests and limits, as upstream computes it. */
final class QosClass {
    private QosClass() {
    }

    static String of(ObjectNode spec) {
        boolean any = false;
        boolean guaranteed = true;
        List<ObjectNode> containers = new java.util.ArrayList<>(Json.objects(spec, "containers"));
        containers.addAll(Json.objects(spec, "initContainers"));
        for (ObjectNode c : containers) {
            ObjectNode resources = Json.obj(c, "resources");
            ObjectNode requests = Json.obj(resources, "requests");
            ObjectNode limits = Json.obj(resources, "limits");
            for (String r : List.of("cpu", "memory")) {
                Quantity req = Quantity.tryParse(requests == null ? null : requests.get(r));
                Quantity lim = Quantity.tryParse(limits == null ? null : limits.get(r));
                any |= req != null && req.signum() != 0 || lim != null && lim.signum() != 0;
                if (lim == null || req != null && req.compareTo(lim) != 0) {
                    guaranteed = false;
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
