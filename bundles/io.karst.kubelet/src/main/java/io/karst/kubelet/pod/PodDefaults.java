package io.karst.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The API server's defaults of a Pod that the kubelet relies on, for pods that never went through an API server
 * (static pods: they must run while it is unreachable, and their uid must not depend on its version).
 */
final class PodDefaults {
    private PodDefaults() {
    }

    static void apply(ObjectNode pod) {
        ObjectNode spec = pod.with("spec");
        putIfMissing(spec, "restartPolicy", "Always");
        putIfMissing(spec, "dnsPolicy", "ClusterFirst");
        putIfMissing(spec, "schedulerName", "default-scheduler");
        if (!spec.has("terminationGracePeriodSeconds")) {
            spec.put("terminationGracePeriodSeconds", 30);
        }
        if (!spec.has("enableServiceLinks")) {
            spec.put("enableServiceLinks", true);
        }
        if (!spec.has("securityContext")) {
            spec.putObject("securityContext");
        }
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                if (c instanceof ObjectNode container) {
                    container(container);
                }
            }
        }
    }

    private static void container(ObjectNode c) {
        putIfMissing(c, "imagePullPolicy", pullPolicy(c.path("image").asText("")));
        putIfMissing(c, "terminationMessagePath", "/dev/termination-log");
        putIfMissing(c, "terminationMessagePolicy", "File");
        if (!c.has("resources")) {
            c.putObject("resources");
        }
        for (JsonNode port : c.path("ports")) {
            if (port instanceof ObjectNode p) {
                putIfMissing(p, "protocol", "TCP");
            }
        }
    }

    /** Upstream's: Always for {@code :latest} or no tag (a digest pins the image), IfNotPresent otherwise. */
    static String pullPolicy(String image) {
        if (image.contains("@")) {
            return "IfNotPresent";
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon <= slash) {
            return "Always";
        }
        return image.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
    }

    private static void putIfMissing(ObjectNode node, String field, String value) {
        if (node.path(field).asText("").isEmpty()) {
            node.put(field, value);
        }
    }
}
