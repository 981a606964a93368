package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Upstream's rules for Lease, PriorityClass and StorageClass. */
public final class SmallTypeValidation {
    private static final FieldPath META = FieldPath.root("metadata");
    private static final FieldPath SPEC = FieldPath.root("spec");
    static final long HIGHEST_USER_PRIORITY = 1_000_000_000L;

    private SmallTypeValidation() {
    }

    public static List<FieldError> lease(ObjectNode lease) {
        List<FieldError> errs = ObjectMetaValidation.validate(CoreValidation.meta(lease), true, NameRule.DNS_SUBDOMAIN, META);
        ObjectNode spec = Json.obj(lease, "spec");
        Long duration = Json.integer(spec, "leaseDurationSeconds");
        if (duration != null && duration <= 0) {
            errs.add(FieldError.invalid(SPEC.child("leaseDurationSeconds"), duration, "must be greater than 0"));
        }
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "leaseTransitions"), SPEC.child("leaseTransitions")));
        return errs;
    }

    public static List<FieldError> leaseUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = CoreValidation.metaUpdate(n, o);
        errs.addAll(lease(n));
        return errs;
    }

    public static List<FieldError> priorityClass(ObjectNode pc) {
        List<FieldError> errs = ObjectMetaValidation.validate(CoreValidation.meta(pc), false, NameRule.DNS_SUBDOMAIN, META);
        String name = Json.text(CoreValidation.meta(pc), "name");
        long value = Json.integer(pc, "value", 0);
        boolean system = name.equals("system-node-critical") || name.equals("system-cluster-critical");
        if (!system) {
            if (name.startsWith("system-")) {
                errs.add(FieldError.forbidden(META.child("name"), "priority class names with 'system-' prefix are reserved"));
            }
            if (value > HIGHEST_USER_PRIORITY) {
                errs.add(FieldError.forbidden(FieldPath.root("value"),
                        "maximum allowed value of a user defined priority is " + HIGHEST_USER_PRIORITY));
            }
        }
        if (Json.has(pc, "preemptionPolicy")) {
            String pp = Json.text(pc, "preemptionPolicy");
            if (!pp.equals("PreemptLowerPriority") && !pp.equals("Never")) {
                errs.add(FieldError.notSupported(FieldPath.root("preemptionPolicy"), pp,
                        List.of("PreemptLowerPriority", "Never")));
            }
        }
        return errs;
    }

    public static List<FieldError> priorityClassUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = CoreValidation.metaUpdate(n, o);
        if (Json.integer(n, "value", 0) != Json.integer(o, "value", 0)) {
            errs.add(FieldError.forbidden(FieldPath.root("value"), "may not be changed in an update."));
        }
        errs.addAll(ObjectMetaValidation.immutable(n.get("preemptionPolicy"), o.get("preemptionPolicy"),
                Json.textOrNull(n, "preemptionPolicy"), FieldPath.root("preemptionPolicy")));
        return errs;
    }

    public static List<FieldError> storageClass(ObjectNode sc) {
        List<FieldError> errs = ObjectMetaValidation.validate(CoreValidation.meta(sc), false, NameRule.DNS_SUBDOMAIN, META);
        String provisioner = Json.text(sc, "provisioner");
        if (provisioner.isEmpty()) {
            errs.add(FieldError.required(FieldPath.root("provisioner"), ""));
        } else {
            for (String msg : Formats.qualifiedName(provisioner.toLowerCase(java.util.Locale.ROOT))) {
                errs.add(FieldError.invalid(FieldPath.root("provisioner"), provisioner, msg));
            }
        }
        String reclaim = Json.text(sc, "reclaimPolicy");
        if (Json.has(sc, "reclaimPolicy") && !reclaim.equals("Delete") && !reclaim.equals("Retain")) {
            errs.add(FieldError.notSupported(FieldPath.root("reclaimPolicy"), reclaim, List.of("Delete", "Retain")));
        }
        String binding = Json.text(sc, "volumeBindingMode");
        if (!Json.has(sc, "volumeBindingMode")) {
            errs.add(FieldError.required(FieldPath.root("volumeBindingMode"), ""));
        } else if (!binding.equals("Immediate") && !binding.equals("WaitForFirstConsumer")) {
            errs.add(FieldError.notSupported(FieldPath.root("volumeBindingMode"), binding,
                    List.of("Immediate", "WaitForFirstConsumer")));
        }
        return errs;
    }

    public static List<FieldError> storageClassUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = new ArrayList<>(CoreValidation.metaUpdate(n, o));
        for (String f : List.of("parameters", "provisioner", "reclaimPolicy", "volumeBindingMode")) {
            if (!java.util.Objects.equals(n.get(f), o.get(f))) {
                errs.add(FieldError.forbidden(FieldPath.root(f), "updates to " + f + " are forbidden."));
            }
        }
        return errs;
    }
}
