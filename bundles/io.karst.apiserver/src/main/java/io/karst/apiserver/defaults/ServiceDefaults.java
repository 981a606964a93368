package io.karst.apiserver.defaults;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;

/**
 * Upstream's Service defaults ({@code SetDefaults_Service}) plus the IP-family fields the Service REST layer
 * fills at create ({@code clusterIPs} from {@code clusterIP}, {@code ipFamilyPolicy}, {@code ipFamilies}) for a
 * single-stack cluster of the given family. Allocating the cluster IP itself is the REST layer's job.
 */
public final class ServiceDefaults implements Defaulter {
    private final String primaryFamily;

    public ServiceDefaults(String primaryFamily) {
        this.primaryFamily = primaryFamily;
    }

    public ServiceDefaults() {
        this("IPv4");
    }

    @Override
    public void apply(ObjectNode svc) {
        ObjectNode spec = Json.objOrCreate(svc, "spec");
        Json.putIfEmpty(spec, "sessionAffinity", "None");
        String affinity = Json.text(spec, "sessionAffinity");
        if (affinity.equals("None")) {
            spec.remove("sessionAffinityConfig");
        } else if (affinity.equals("ClientIP")) {
            ObjectNode clientIP = Json.obj(Json.obj(spec, "sessionAffinityConfig"), "clientIP");
            if (clientIP == null || !Json.has(clientIP, "timeoutSeconds")) {
                spec.putObject("sessionAffinityConfig").putObject("clientIP").put("timeoutSeconds", 10800);
            }
        }
        Json.putIfEmpty(spec, "type", "ClusterIP");
        String type = Json.text(spec, "type");
        for (ObjectNode p : Json.objects(spec, "ports")) {
            Json.putIfEmpty(p, "protocol", "TCP");
            JsonNode target = p.get("targetPort");
            if (target == null || target.isNull() || target.isNumber() && target.asInt() == 0
                    || target.isTextual() && target.asText().isEmpty()) {
                Json.putNumber(p, "targetPort", Json.integer(p, "port", 0));
            }
        }
        boolean externallyAccessible = type.equals("LoadBalancer") || type.equals("NodePort")
                || type.equals("ClusterIP") && !Json.list(spec, "externalIPs").isEmpty();
        if (externallyAccessible) {
            Json.putIfEmpty(spec, "externalTrafficPolicy", "Cluster");
        }
        if (!Json.has(spec, "internalTrafficPolicy") && List.of("NodePort", "LoadBalancer", "ClusterIP").contains(type)) {
            spec.put("internalTrafficPolicy", "Cluster");
        }
        if (type.equals("LoadBalancer")) {
            Json.putIfAbsent(spec, "allocateLoadBalancerNodePorts", true);
        }
        ipFamilies(spec, type);
    }

    private void ipFamilies(ObjectNode spec, String type) {
        if (type.equals("ExternalName")) {
            return;
        }
        String clusterIP = Json.text(spec, "clusterIP");
        if (!clusterIP.isEmpty() && Json.list(spec, "clusterIPs").isEmpty()) {
            spec.putArray("clusterIPs").add(clusterIP);
        }
        boolean headlessWithoutSelector = clusterIP.equals("None") && Json.stringMapOrEmpty(spec, "selector").isEmpty();
        if (headlessWithoutSelector) {
            // Upstream gives selector-less headless services both families, whatever the cluster runs.
            Json.putIfAbsent(spec, "ipFamilyPolicy", "RequireDualStack");
            if (Json.list(spec, "ipFamilies").isEmpty()) {
                ArrayNode f = spec.putArray("ipFamilies");
                f.add(primaryFamily);
                f.add(primaryFamily.equals("IPv4") ? "IPv6" : "IPv4");
            }
            return;
        }
        Json.putIfAbsent(spec, "ipFamilyPolicy", "SingleStack");
        if (Json.list(spec, "ipFamilies").isEmpty()) {
            spec.putArray("ipFamilies").add(primaryFamily);
        }
    }

    /**
     * On update, upstream keeps what was allocated when the new object leaves it out: cluster IPs, node ports and
     * the health-check node port. Call before validating the update.
     */
    public static void carryOverAllocations(ObjectNode newSvc, ObjectNode oldSvc) {
        ObjectNode n = Json.objOrCreate(newSvc, "spec");
        ObjectNode o = Json.obj(oldSvc, "spec");
        if (o == null || Json.text(n, "type").equals("ExternalName") || Json.text(o, "type").equals("ExternalName")) {
            return;
        }
        if (Json.text(n, "clusterIP").isEmpty() && Json.has(o, "clusterIP")) {
            n.set("clusterIP", o.get("clusterIP").deepCopy());
        }
        if (Json.list(n, "clusterIPs").isEmpty() && Json.has(o, "clusterIPs")) {
            n.set("clusterIPs", o.get("clusterIPs").deepCopy());
        }
        if (!Json.text(n, "type").equals("ClusterIP")) {
            List<ObjectNode> oldPorts = Json.objects(o, "ports");
            for (ObjectNode p : Json.objects(n, "ports")) {
                if (Json.integer(p, "nodePort", 0) != 0) {
                    continue;
                }
                for (ObjectNode op : oldPorts) {
                    if (Json.integer(op, "port", 0) == Json.integer(p, "port", 0)
                            && Json.text(op, "protocol").equals(Json.text(p, "protocol")) && Json.has(op, "nodePort")) {
                        Json.putNumber(p, "nodePort", Json.integer(op, "nodePort", 0));
                    }
                }
            }
        }
        if (Json.integer(n, "healthCheckNodePort", 0) == 0 && Json.has(o, "healthCheckNodePort")
                && Json.text(n, "externalTrafficPolicy").equals("Local")) {
            Json.putNumber(n, "healthCheckNodePort", Json.integer(o, "healthCheckNodePort", 0));
        }
    }
}
