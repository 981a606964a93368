package io.karst.apiserver.table;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Printers of storage.k8s.io resources. */
final class StoragePrinters {
    private StoragePrinters() {
    }

    /** NAME carries {@code (default)} for the default class (the GA or the beta annotation). */
    static TablePrinter storageClasses() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.string("Provisioner", "StorageClass.provisioner"),
                Column.string("ReclaimPolicy", "StorageClass.reclaimPolicy"),
                Column.string("VolumeBindingMode", "StorageClass.volumeBindingMode"),
                Column.string("AllowVolumeExpansion", "StorageClass.allowVolumeExpansion"),
                Column.age()), (o, now) -> {
                    String name = Fields.name(o);
                    if (isDefault(o, "storageclass.kubernetes.io/is-default-class")
                            || isDefault(o, "storageclass.beta.kubernetes.io/is-default-class")) {
                        name += " (default)";
                    }
                    String reclaim = Fields.present(o, "reclaimPolicy") ? Fields.text(o, "reclaimPolicy") : "Delete";
                    String binding = Fields.present(o, "volumeBindingMode") ? Fields.text(o, "volumeBindingMode")
                            : "Immediate";
                    return List.of(name, Fields.text(o, "provisioner"), reclaim, binding,
                            Fields.bool(o, "allowVolumeExpansion"), Fields.age(o, now));
                });
    }

    static TablePrinter volumeAttributesClasses() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.string("DriverName", "VolumeAttributesClass.driverName"), Column.age()), (o, now) -> {
                    String name = Fields.name(o);
                    if (isDefault(o, "storage.kubernetes.io/is-default-class")) {
                        name += " (default)";
                    }
                    return List.of(name, Fields.text(o, "driverName"), Fields.age(o, now));
                });
    }

    private static boolean isDefault(ObjectNode o, String annotation) {
        return "true".equals(Fields.text(o, "metadata", "annotations", annotation));
    }

    static TablePrinter csiDrivers() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.of("AttachRequired", "boolean", "CSIDriverSpec.attachRequired"),
                Column.of("PodInfoOnMount", "boolean", "CSIDriverSpec.podInfoOnMount"),
                Column.of("StorageCapacity", "boolean", "CSIDriverSpec.storageCapacity"),
                Column.string("TokenRequests", "CSIDriverSpec.tokenRequests"),
                Column.of("RequiresRepublish", "boolean", "CSIDriverSpec.requiresRepublish"),
                Column.string("Modes", "CSIDriverSpec.volumeLifecycleModes"),
                Column.age()), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    List<String> modes = new ArrayList<>();
                    Fields.list(spec, "volumeLifecycleModes").forEach(m -> modes.add(m.asText()));
                    String tokenRequests = "<unset>";
                    if (Fields.present(spec, "tokenRequests")) {
                        List<String> audiences = new ArrayList<>();
                        Fields.list(spec, "tokenRequests").forEach(t -> audiences.add(Fields.text(t, "audience")));
                        tokenRequests = String.join(",", audiences);
                    }
                    return List.of(Fields.name(o),
                            Fields.present(spec, "attachRequired") ? Fields.bool(spec, "attachRequired") : true,
                            Fields.bool(spec, "podInfoOnMount"), Fields.bool(spec, "storageCapacity"), tokenRequests,
                            Fields.bool(spec, "requiresRepublish"),
                            modes.isEmpty() ? Formats.NONE : String.join(",", modes), Fields.age(o, now));
                });
    }

    static TablePrinter csiNodes() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Drivers", "integer", "Drivers indicates the number of CSI drivers registered on the node"),
                Column.age()), (o, now) -> List.of(Fields.name(o), (long) Fields.size(o, "spec", "drivers"),
                        Fields.age(o, now)));
    }

    static TablePrinter csiStorageCapacities() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.string("StorageClassName", "CSIStorageCapacity.storageClassName"),
                Column.string("Capacity", "CSIStorageCapacity.capacity")), (o, now) -> List.of(Fields.name(o),
                        Fields.text(o, "storageClassName"),
                        Fields.present(o, "capacity") ? Formats.quantity(o.path("capacity")) : "<unset>"));
    }

    static TablePrinter volumeAttachments() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                new Column("Attacher", "string", "name", ColumnDescriptions.of("VolumeAttachmentSpec.attacher"), 0),
                Column.string("PV", "VolumeAttachmentSource.persistentVolumeName"),
                Column.string("Node", "VolumeAttachmentSpec.nodeName"),
                Column.of("Attached", "boolean", "VolumeAttachmentStatus.attached"),
                Column.age()), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    return List.of(Fields.name(o), Fields.text(spec, "attacher"),
                            Fields.text(spec, "source", "persistentVolumeName"), Fields.text(spec, "nodeName"),
                            Fields.bool(o, "status", "attached"), Fields.age(o, now));
                });
    }
}
