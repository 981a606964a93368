package io.karst.controllers.endpointutil;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How upstream's endpoint controllers read pods and Services (k8s.io/endpointslice/util): which pods are
 * published, their readiness, addresses and hostnames, and the container port a Service port targets.
 */
public final class PodEndpoints {
    /** The label marking the Endpoints and EndpointSlices of a headless Service. */
    public static final String HEADLESS_LABEL = "service.kubernetes.io/headless";
    public static final String TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

    private PodEndpoints() {
    }

    /** A pod with a Ready condition of status True. */
    public static boolean ready(JsonNode pod) {
        JsonNode c = readyCondition(pod);
        return c != null && c.path("status").asText().equals("True");
    }

    /** When the pod's Ready condition last changed, or null. */
    public static Instant readyTransition(JsonNode pod) {
        JsonNode c = readyCondition(pod);
        String t = c == null ? "" : c.path("lastTransitionTime").asText("");
        return t.isEmpty() ? null : Instant.parse(t);
    }

    private static JsonNode readyCondition(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c;
            }
        }
        return null;
    }

    public static boolean terminal(JsonNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    public static boolean terminating(JsonNode pod) {
        return pod.path("metadata").hasNonNull("deletionTimestamp");
    }

    /**
     * Whether the pod belongs in an Endpoints object or EndpointSlice at all: not finished, with an IP, and (unless
     * {@code includeTerminating}) not being deleted.
     */
    public static boolean shouldBeInEndpoints(JsonNode pod, boolean includeTerminating) {
        if (terminal(pod) || ips(pod).isEmpty()) {
            return false;
        }
        return includeTerminating || !terminating(pod);
    }

    /** The pod's IPs: {@code status.podIPs}, or {@code status.podIP} when the list is absent. */
    public static List<String> ips(JsonNode pod) {
        List<String> ips = new ArrayList<>();
        for (JsonNode ip : pod.path("status").path("podIPs")) {
            String value = ip.path("ip").asText("");
            if (!value.isEmpty()) {
                ips.add(value);
            }
        }
        String single = pod.path("status").path("podIP").asText("");
        if (ips.isEmpty() && !single.isEmpty()) {
            ips.add(single);
        }
        return ips;
    }

    public static boolean isIPv6(String ip) {
        return ip.contains(":");
    }

    /** The pod's hostname is published when its subdomain names the Service (in the same namespace). */
    public static boolean shouldSetHostname(JsonNode pod, JsonNode service) {
        String hostname = pod.path("spec").path("hostname").asText("");
        return !hostname.isEmpty()
                && pod.path("spec").path("subdomain").asText("").equals(name(service))
                && namespace(pod).equals(namespace(service));
    }

    /** A Service with a cluster IP (not headless). */
    public static boolean serviceIpSet(JsonNode service) {
        String ip = service.path("spec").path("clusterIP").asText("");
        return !ip.isEmpty() && !ip.equals("None");
    }

    /** Services without a selector get their endpoints from users; ExternalName Services get none. */
    public static boolean managesEndpoints(JsonNode service) {
        JsonNode selector = service.path("spec").path("selector");
        // an empty selector is stored as none upstream (protobuf drops empty maps)
        return selector.isObject() && !selector.isEmpty()
                && !service.path("spec").path("type").asText("").equals("ExternalName");
    }

    /** Whether the Service's selector (a plain label map; absent selects nothing) selects these labels. */
    public static boolean selects(JsonNode service, JsonNode labels) {
        JsonNode selector = service.path("spec").path("selector");
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The container port a Service port sends to: a numeric {@code targetPort} as is (the API server defaults it
     * to {@code port}); a named one looked up among the pod's containers (and restartable init containers) with
     * the same protocol; empty when the pod has no such port.
     */
    public static OptionalInt findPort(JsonNode pod, JsonNode servicePort) {
        JsonNode target = servicePort.path("targetPort");
        String protocol = servicePort.path("protocol").asText("TCP");
        if (target.isMissingNode() || target.isNull()) {
            return OptionalInt.of(servicePort.path("port").asInt());
        }
        if (target.isNumber()) {
            return OptionalInt.of(target.asInt());
        }
        String name = target.asText();
        if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
            return OptionalInt.of(Integer.parseInt(name));
        }
        for (JsonNode container : pod.path("spec").path("containers")) {
            OptionalInt found = namedPort(container, name, protocol);
            if (found.isPresent()) {
                return found;
            }
        }
        for (JsonNode container : pod.path("spec").path("initContainers")) {
            if (container.path("restartPolicy").asText("").equals("Always")) {
                OptionalInt found = namedPort(container, name, protocol);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return OptionalInt.empty();
    }

    private static OptionalInt namedPort(JsonNode container, String name, String protocol) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText("").equals(name) && port.path("protocol").asText("TCP").equals(protocol)) {
                return OptionalInt.of(port.path("containerPort").asInt());
            }
        }
        return OptionalInt.empty();
    }

    /** A create refused because the namespace is being deleted: it will keep failing, so stop trying. */
    public static boolean namespaceTerminating(io.karst.api.client.ResourceException e) {
        return e.isForbidden() && e.getMessage() != null && e.getMessage().contains("because it is being terminated");
    }

    /** {@code {kind: Pod, namespace, name, uid}}, as both controllers point at a pod. */
    public static ObjectNode targetRef(JsonNode pod) {
        ObjectNode ref = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        ref.put("kind", "Pod");
        ref.put("namespace", namespace(pod));
        ref.put("name", name(pod));
        ref.put("uid", pod.path("metadata").path("uid").asText());
        return ref;
    }

    public static String namespace(JsonNode object) {
        return object.path("metadata").path("namespace").asText("");
    }

    public static String name(JsonNode object) {
        return object.path("metadata").path("name").asText("");
    }
}
