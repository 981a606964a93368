package io.karst.apiserver.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Nodes: NAME STATUS ROLES AGE VERSION, wide INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME.
 * STATUS is Ready/NotReady/Unknown from the Ready condition, plus {@code SchedulingDisabled} when cordoned;
 * ROLES come from {@code node-role.kubernetes.io/<role>} label keys and the {@code kubernetes.io/role} value.
 */
final class NodePrinter implements TablePrinter {
    private static final String ROLE_PREFIX = "node-role.kubernetes.io/";
    private static final String ROLE_LABEL = "kubernetes.io/role";
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.described("Status", "string", "The status of the node"),
            Column.described("Roles", "string", "The roles of the node"),
            Column.age(),
            Column.string("Version", "NodeSystemInfo.kubeletVersion"),
            Column.string("Internal-IP", "NodeStatus.addresses").wide(),
            Column.string("External-IP", "NodeStatus.addresses").wide(),
            Column.string("OS-Image", "NodeSystemInfo.osImage").wide(),
            Column.string("Kernel-Version", "NodeSystemInfo.kernelVersion").wide(),
            Column.string("Container-Runtime", "NodeSystemInfo.containerRuntimeVersion").wide());

    @Override
    public List<Column> columnDefinitions() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode node, Instant now) {
        JsonNode status = node.path("status");
        JsonNode info = status.path("nodeInfo");
        List<String> states = new ArrayList<>();
        JsonNode ready = null;
        for (JsonNode condition : Fields.list(status, "conditions")) {
            if ("Ready".equals(condition.path("type").asText())) {
                ready = condition; // the last one of a type wins, as in upstream's map
            }
        }
        if (ready != null) {
            states.add("True".equals(ready.path("status").asText()) ? "Ready" : "NotReady");
        } else {
            states.add("Unknown");
        }
        if (Fields.bool(node, "spec", "unschedulable")) {
            states.add("SchedulingDisabled");
        }
        String roles = String.join(",", roles(node.path("metadata").path("labels")));
        return List.of(Fields.name(node), String.join(",", states), roles.isEmpty() ? Formats.NONE : roles,
                Fields.age(node, now), Fields.text(info, "kubeletVersion"),
                address(status, "InternalIP"), address(status, "ExternalIP"),
                orUnknown(Fields.text(info, "osImage")), orUnknown(Fields.text(info, "kernelVersion")),
                orUnknown(Fields.text(info, "containerRuntimeVersion")));
    }

    static TreeSet<String> roles(JsonNode labels) {
        TreeSet<String> roles = new TreeSet<>();
        if (labels.isObject()) {
            labels.fields().forEachRemaining(e -> {
                String key = e.getKey();
                if (key.startsWith(ROLE_PREFIX)) {
                    String role = key.substring(ROLE_PREFIX.length());
                    if (!role.isEmpty()) {
                        roles.add(role);
                    }
                } else if (key.equals(ROLE_LABEL) && !e.getValue().asText().isEmpty()) {
                    roles.add(e.getValue().asText());
                }
            });
        }
        return roles;
    }

    private static String address(JsonNode status, String type) {
        for (JsonNode address : Fields.list(status, "addresses")) {
            if (type.equals(address.path("type").asText())) {
                return address.path("address").asText();
            }
        }
        return Formats.NONE;
    }

    private static String orUnknown(String s) {
        return s.isEmpty() ? "<unknown>" : s;
    }
}
