package io.karst.apiserver.table;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Printers of the core group's simpler resources. */
final class CorePrinters {
    private static final String CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

    private CorePrinters() {
    }

    static TablePrinter podTemplates() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Containers", "string", "Names of each container in the template."),
                Column.described("Images", "string", "Images referenced by each container in the template."),
                Column.described("Pod Labels", "string", "The labels for the pod template.")), (o, now) -> {
                    JsonNode template = o.path("template");
                    String[] c = Formats.containers(template.path("spec").path("containers"));
                    return List.of(Fields.name(o), c[0], c[1], Formats.labels(template.path("metadata").path("labels")));
                });
    }

    static TablePrinter replicationControllers() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.of("Desired", "integer", "ReplicationControllerSpec.replicas"),
                Column.of("Current", "integer", "ReplicationControllerStatus.replicas"),
                Column.of("Ready", "integer", "ReplicationControllerStatus.readyReplicas"),
                Column.age(),
                WorkloadPrinters.CONTAINERS, WorkloadPrinters.IMAGES,
                Column.string("Selector", "ReplicationControllerSpec.selector").wide()), (o, now) -> {
                    String[] c = Formats.containers(o.path("spec").path("template").path("spec").path("containers"));
                    return List.of(Fields.name(o), WorkloadPrinters.replicas(o), Fields.integer(o, "status", "replicas"),
                            Fields.integer(o, "status", "readyReplicas"), Fields.age(o, now), c[0], c[1],
                            Formats.labels(o.path("spec").path("selector")));
                });
    }

    static TablePrinter endpoints() {
        return TablePrinter.of(List.of(Column.nameColumn(), Column.string("Endpoints", "Endpoints.subsets"), Column.age()),
                (o, now) -> List.of(Fields.name(o), endpointsText(o), Fields.age(o, now)));
    }

    /** {@code formatEndpoints}: up to three {@code ip:port} pairs, then {@code + N more...}. */
    static String endpointsText(ObjectNode endpoints) {
        List<JsonNode> subsets = Fields.list(endpoints, "subsets");
        if (subsets.isEmpty()) {
            return Formats.NONE;
        }
        final int max = 3;
        List<String> list = new ArrayList<>();
        boolean more = false;
        int count = 0;
        for (JsonNode subset : subsets) {
            List<JsonNode> addresses = Fields.list(subset, "addresses");
            List<JsonNode> ports = Fields.list(subset, "ports");
            if (ports.isEmpty()) {
                // headless services may have addresses without ports
                count += addresses.size();
                for (JsonNode address : addresses) {
                    if (list.size() == max) {
                        more = true;
                        break;
                    }
                    list.add(Fields.text(address, "ip"));
                }
                continue;
            }
            for (JsonNode port : ports) {
                count += addresses.size();
                for (JsonNode address : addresses) {
                    if (list.size() == max) {
                        more = true;
                        break;
                    }
                    list.add(joinHostPort(Fields.text(address, "ip"), Fields.integer(port, "port")));
                }
            }
        }
        String joined = String.join(",", list);
        return more ? joined + " + " + (count - max) + " more..." : joined;
    }

    /** Go's {@code net.JoinHostPort}: IPv6 hosts in brackets. */
    static String joinHostPort(String host, long port) {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }

    static TablePrinter namespaces() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Status", "string", "The status of the namespace"), Column.age()),
                (o, now) -> List.of(Fields.name(o), Fields.text(o, "status", "phase"), Fields.age(o, now)));
    }

    static TablePrinter secrets() {
        return TablePrinter.of(List.of(Column.nameColumn(), Column.string("Type", "Secret.type"),
                Column.string("Data", "Secret.data"), Column.age()),
                (o, now) -> List.of(Fields.name(o), Fields.text(o, "type"), (long) Fields.size(o, "data"),
                        Fields.age(o, now)));
    }

    static TablePrinter serviceAccounts() {
        return TablePrinter.of(List.of(Column.nameColumn(), Column.string("Secrets", "ServiceAccount.secrets"),
                Column.age()), (o, now) -> List.of(Fields.name(o), (long) Fields.size(o, "secrets"), Fields.age(o, now)));
    }

    static TablePrinter configMaps() {
        return TablePrinter.of(List.of(Column.nameColumn(), Column.string("Data", "ConfigMap.data"), Column.age()),
                (o, now) -> List.of(Fields.name(o), (long) (Fields.size(o, "data") + Fields.size(o, "binaryData")),
                        Fields.age(o, now)));
    }

    static TablePrinter persistentVolumes() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.string("Capacity", "PersistentVolumeSpec.capacity"),
                Column.string("Access Modes", "PersistentVolumeSpec.accessModes"),
                Column.string("Reclaim Policy", "PersistentVolumeSpec.persistentVolumeReclaimPolicy"),
                Column.string("Status", "PersistentVolumeStatus.phase"),
                Column.string("Claim", "PersistentVolumeSpec.claimRef"),
                Column.described("StorageClass", "string", "StorageClass of the pv"),
                Column.described("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
                Column.string("Reason", "PersistentVolumeStatus.reason"),
                Column.age(),
                Column.string("VolumeMode", "PersistentVolumeSpec.volumeMode").wide()), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    String claim = "";
                    if (Fields.present(spec, "claimRef")) {
                        claim = Fields.text(spec, "claimRef", "namespace") + "/" + Fields.text(spec, "claimRef", "name");
                    }
                    String phase = Fields.present(o, "metadata", "deletionTimestamp") ? "Terminating"
                            : Fields.text(o, "status", "phase");
                    return List.of(Fields.name(o), Formats.quantity(spec.path("capacity").path("storage")),
                            Formats.accessModes(spec.path("accessModes")),
                            Fields.text(spec, "persistentVolumeReclaimPolicy"), phase, claim, storageClass(o),
                            orUnset(spec, "volumeAttributesClassName"), Fields.text(o, "status", "reason"),
                            Fields.age(o, now), orUnset(spec, "volumeMode"));
                });
    }

    static TablePrinter persistentVolumeClaims() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.string("Status", "PersistentVolumeClaimStatus.phase"),
                Column.string("Volume", "PersistentVolumeClaimSpec.volumeName"),
                Column.string("Capacity", "PersistentVolumeClaimStatus.capacity"),
                Column.string("Access Modes", "PersistentVolumeClaimStatus.accessModes"),
                Column.described("StorageClass", "string", "StorageClass of the pvc"),
                Column.described("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
                Column.age(),
                Column.string("VolumeMode", "PersistentVolumeClaimSpec.volumeMode").wide()), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    String phase = Fields.present(o, "metadata", "deletionTimestamp") ? "Terminating"
                            : Fields.text(o, "status", "phase");
                    String capacity = "";
                    String accessModes = "";
                    // capacity and access modes are the bound volume's, so only shown once bound
                    if (!Fields.text(spec, "volumeName").isEmpty()) {
                        accessModes = Formats.accessModes(o.path("status").path("accessModes"));
                        capacity = Formats.quantity(o.path("status").path("capacity").path("storage"));
                    }
                    return List.of(Fields.name(o), phase, Fields.text(spec, "volumeName"), capacity, accessModes,
                            storageClass(o), orUnset(spec, "volumeAttributesClassName"), Fields.age(o, now),
                            orUnset(spec, "volumeMode"));
                });
    }

    /** The beta annotation wins over spec.storageClassName, for volumes and claims alike. */
    private static String storageClass(ObjectNode o) {
        JsonNode annotation = o.path("metadata").path("annotations").path(CLASS_ANNOTATION);
        if (annotation.isTextual()) {
            return annotation.asText();
        }
        return Fields.text(o, "spec", "storageClassName");
    }

    private static String orUnset(JsonNode node, String field) {
        return Fields.present(node, field) ? Fields.text(node, field) : "<unset>";
    }

    static TablePrinter componentStatuses() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Status", "string", "Status of the component conditions"),
                Column.described("Message", "string", "Message of the component conditions"),
                Column.described("Error", "string", "Error of the component conditions")), (o, now) -> {
                    String status = "Unknown";
                    String message = "";
                    String error = "";
                    for (JsonNode condition : Fields.list(o, "conditions")) {
                        if ("Healthy".equals(condition.path("type").asText())) {
                            status = "True".equals(condition.path("status").asText()) ? "Healthy" : "Unhealthy";
                            message = Fields.text(condition, "message");
                            error = Fields.text(condition, "error");
                            break;
                        }
                    }
                    return List.of(Fields.name(o), status, message, error);
                });
    }

    /** REQUEST and LIMIT: {@code resource: used/hard} per hard limit, sorted, limits.* in the LIMIT column. */
    static TablePrinter resourceQuotas() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Request", "string",
                        "Request represents a minimum amount of cpu/memory that a container may consume."),
                Column.described("Limit", "string", "Limits control the maximum amount of cpu/memory that a "
                        + "container may use independent of contention on the node."),
                Column.age()), (o, now) -> {
                    JsonNode hard = o.path("status").path("hard");
                    JsonNode used = o.path("status").path("used");
                    TreeMap<String, JsonNode> sorted = new TreeMap<>();
                    if (hard.isObject()) {
                        hard.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
                    }
                    List<String> requests = new ArrayList<>();
                    List<String> limits = new ArrayList<>();
                    sorted.forEach((resource, hardQuantity) -> {
                        String[] pieces = resource.split("\\.", -1);
                        List<String> target = pieces.length > 1 && pieces[0].equals("limits") ? limits : requests;
                        target.add(resource + ": " + Formats.quantity(used.path(resource)) + "/"
                                + Formats.quantity(hardQuantity));
                    });
                    return List.of(Fields.name(o), String.join(", ", requests), String.join(", ", limits),
                            Fields.age(o, now));
                });
    }
}
