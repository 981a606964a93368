package io.karst.apiserver.defaults;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;

/** Upstream's defaults for the networking, RBAC, storage, scheduling, autoscaling, discovery and admission groups. */
final class OtherDefaults {
    static final String RBAC_GROUP = "rbac.authorization.k8s.io";

    private OtherDefaults() {
    }

    static void networkPolicy(ObjectNode np) {
        ObjectNode spec = Json.objOrCreate(np, "spec");
        for (String dir : List.of("ingress", "egress")) {
            for (ObjectNode rule : Json.objects(spec, dir)) {
                for (ObjectNode p : Json.objects(rule, "ports")) {
                    Json.putIfEmpty(p, "protocol", "TCP");
                }
            }
        }
        if (Json.list(spec, "policyTypes").isEmpty()) {
            ArrayNode types = spec.putArray("policyTypes");
            types.add("Ingress");
            if (!Json.list(spec, "egress").isEmpty()) {
                types.add("Egress");
            }
        }
    }

    static void ingressClass(ObjectNode ic) {
        ObjectNode params = Json.obj(Json.obj(ic, "spec"), "parameters");
        if (params != null) {
            Json.putIfAbsent(params, "scope", "Cluster");
        }
    }

    /** RoleBinding/ClusterRoleBinding: roleRef and subject API groups. */
    static void binding(ObjectNode b) {
        ObjectNode ref = Json.obj(b, "roleRef");
        if (ref != null) {
            Json.putIfEmpty(ref, "apiGroup", RBAC_GROUP);
        }
        for (ObjectNode s : Json.objects(b, "subjects")) {
            if (!Json.has(s, "apiGroup") || Json.text(s, "apiGroup").isEmpty()) {
                switch (Json.text(s, "kind")) {
                    case "ServiceAccount" -> s.put("apiGroup", "");
                    case "User", "Group" -> s.put("apiGroup", RBAC_GROUP);
                    default -> { }
                }
            }
        }
    }

    static void storageClass(ObjectNode sc) {
        Json.putIfEmpty(sc, "reclaimPolicy", "Delete");
        Json.putIfEmpty(sc, "volumeBindingMode", "Immediate");
    }

    static void csiDriver(ObjectNode d) {
        ObjectNode spec = Json.objOrCreate(d, "spec");
        Json.putIfAbsent(spec, "attachRequired", true);
        Json.putIfAbsent(spec, "podInfoOnMount", false);
        Json.putIfAbsent(spec, "storageCapacity", false);
        Json.putIfAbsent(spec, "fsGroupPolicy", "ReadWriteOnceWithFSType");
        Json.putIfAbsent(spec, "requiresRepublish", false);
        Json.putIfAbsent(spec, "seLinuxMount", false);
        if (Json.list(spec, "volumeLifecycleModes").isEmpty()) {
            spec.putArray("volumeLifecycleModes").add("Persistent");
        }
    }

    static void priorityClass(ObjectNode pc) {
        Json.putIfEmpty(pc, "preemptionPolicy", "PreemptLowerPriority");
    }

    static void endpointSlice(ObjectNode es) {
        for (ObjectNode p : Json.objects(es, "ports")) {
            Json.putIfAbsent(p, "name", "");
            Json.putIfAbsent(p, "protocol", "TCP");
        }
    }

    static void hpaV1(ObjectNode hpa) {
        Json.putIfAbsent(Json.objOrCreate(hpa, "spec"), "minReplicas", 1);
    }

    /** autoscaling/v2: min one replica, 80% CPU when no metric is given, missing behavior rules filled. */
    static void hpaV2(ObjectNode hpa) {
        ObjectNode spec = Json.objOrCreate(hpa, "spec");
        Json.putIfAbsent(spec, "minReplicas", 1);
        if (Json.list(spec, "metrics").isEmpty()) {
            ObjectNode metric = spec.putArray("metrics").addObject();
            metric.put("type", "Resource");
            ObjectNode resource = metric.putObject("resource");
            resource.put("name", "cpu");
            ObjectNode target = resource.putObject("target");
            target.put("type", "Utilization");
            target.put("averageUtilization", 80);
        }
        ObjectNode behavior = Json.obj(spec, "behavior");
        if (behavior != null) {
            scalingRules(Json.objOrCreate(behavior, "scaleUp"), 0, true);
            scalingRules(Json.objOrCreate(behavior, "scaleDown"), 300, false);
        }
    }

    private static void scalingRules(ObjectNode rules, int window, boolean up) {
        Json.putIfAbsent(rules, "stabilizationWindowSeconds", window);
        Json.putIfEmpty(rules, "selectPolicy", "Max");
        if (Json.list(rules, "policies").isEmpty()) {
            ArrayNode policies = rules.putArray("policies");
            if (up) {
                ObjectNode pods = policies.addObject();
                pods.put("type", "Pods");
                pods.put("value", 4);
                pods.put("periodSeconds", 15);
            }
            ObjectNode percent = policies.addObject();
            percent.put("type", "Percent");
            percent.put("value", 100);
            percent.put("periodSeconds", 15);
        }
    }

    /** Mutating and validating webhook configurations. */
    static void webhooks(ObjectNode cfg, boolean mutating) {
        for (ObjectNode w : Json.objects(cfg, "webhooks")) {
            Json.putIfEmpty(w, "failurePolicy", "Fail");
            Json.putIfEmpty(w, "matchPolicy", "Equivalent");
            if (!Json.has(w, "namespaceSelector")) {
                w.putObject("namespaceSelector");
            }
            if (!Json.has(w, "objectSelector")) {
                w.putObject("objectSelector");
            }
            Json.putIfAbsent(w, "timeoutSeconds", 10);
            if (mutating) {
                Json.putIfEmpty(w, "reinvocationPolicy", "Never");
            }
            for (ObjectNode r : Json.objects(w, "rules")) {
                Json.putIfEmpty(r, "scope", "*");
            }
            ObjectNode service = Json.obj(Json.obj(w, "clientConfig"), "service");
            if (service != null) {
                Json.putIfAbsent(service, "port", 443);
            }
        }
    }
}
