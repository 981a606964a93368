package io.karst.controllers.endpointutil;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How EndpointSlice endpoints and ports are compared (upstream's endpoint hash and port map key). */
public final class SliceEndpoints {
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    public static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

    private SliceEndpoints() {
    }

    /** Identifies a port set whatever the order and the defaults written or left out. */
    public static String portMapKey(JsonNode ports) {
        TreeSet<String> keys = new TreeSet<>();
        for (JsonNode p : ports) {
            keys.add(p.path("name").asText("") + "|" + p.path("port").asInt() + "|"
                    + p.path("protocol").asText("TCP") + "|" + p.path("appProtocol").asText(""));
        }
        return String.join(",", keys);
    }

    /** upstream's endpoint hash: sorted addresses, hostname, and the pod's namespace and name. */
    public static String identity(JsonNode endpoint) {
        TreeSet<String> addresses = new TreeSet<>();
        endpoint.path("addresses").forEach(a -> addresses.add(a.asText()));
        JsonNode ref = endpoint.path("targetRef");
        return addresses + "|" + endpoint.path("hostname").asText("") + "|" + ref.path("namespace").asText("")
                + "/" + ref.path("name").asText("");
    }

    /** upstream's EndpointsEqualBeyondHash: node, zone, conditions and target (ignoring its resourceVersion). */
    public static boolean equalBeyondIdentity(JsonNode a, JsonNode b) {
        for (String field : List.of("nodeName", "zone")) {
            if (!Objects.equals(a.path(field).asText(null), b.path(field).asText(null))) {
                return false;
            }
        }
        for (String condition : List.of("ready", "serving", "terminating")) {
            JsonNode x = a.path("conditions").path(condition);
            JsonNode y = b.path("conditions").path(condition);
            if (x.isMissingNode() != y.isMissingNode() || x.asBoolean() != y.asBoolean()) {
                return false;
            }
        }
        ObjectNode refA = a.path("targetRef").isObject() ? ((ObjectNode) a.get("targetRef")).deepCopy() : null;
        ObjectNode refB = b.path("targetRef").isObject() ? ((ObjectNode) b.get("targetRef")).deepCopy() : null;
        if (refA != null) {
            refA.remove("resourceVersion");
        }
        if (refB != null) {
            refB.remove("resourceVersion");
        }
        return Objects.equals(refA, refB);
    }
}
