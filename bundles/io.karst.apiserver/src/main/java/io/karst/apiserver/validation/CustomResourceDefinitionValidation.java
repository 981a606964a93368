package io.karst.apiserver.validation;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Upstream's validation of an apiextensions.k8s.io/v1 CustomResourceDefinition (after defaulting): the name is
 * {@code <plural>.<group>}, the group a domain with a dot, the scope Cluster or Namespaced, the names lowercase
 * DNS-1035 labels (kinds may have mixed case), exactly one storage version, at least one served, unique version
 * names, and each version's schema present and structural.
 */
public final class CustomResourceDefinitionValidation {
    private static final FieldPath META = FieldPath.root("metadata");
    private static final FieldPath SPEC = FieldPath.root("spec");

    private CustomResourceDefinitionValidation() {
    }

    public static List<FieldError> validate(ObjectNode crd) {
        // apimachinery's generic rules, as apiextensions-apiserver runs them: not the core group's finalizer rule,
        // which would refuse the CRD's own customresourcecleanup.apiextensions.k8s.io finalizer on every update
        List<FieldError> errs = ObjectMetaValidation.validateGeneric(CoreValidation.meta(crd), false,
                NameRule.DNS_SUBDOMAIN, META);
        ObjectNode spec = Json.obj(crd, "spec");
        ObjectNode names = Json.obj(spec, "names");
        String group = Json.text(spec, "group");
        String name = Json.text(CoreValidation.meta(crd), "name");
        if (!name.equals(Json.text(names, "plural") + "." + group)) {
            errs.add(FieldError.invalid(META.child("name"), name, "must be spec.names.plural+\".\"+spec.group"));
        }
        if (group.isEmpty()) {
            errs.add(FieldError.required(SPEC.child("group"), ""));
        } else if (!Formats.dns1123Subdomain(group).isEmpty()) {
            errs.add(FieldError.invalid(SPEC.child("group"), group,
                    String.join(",", Formats.dns1123Subdomain(group))));
        } else if (group.split("\\.").length < 2) {
            errs.add(FieldError.invalid(SPEC.child("group"), group, "should be a domain with at least one dot"));
        }
        String scope = Json.text(spec, "scope");
        if (scope.isEmpty()) {
            errs.add(FieldError.required(SPEC.child("scope"), ""));
        } else if (!scope.equals("Cluster") && !scope.equals("Namespaced")) {
            errs.add(FieldError.notSupported(SPEC.child("scope"), scope, List.of("Cluster", "Namespaced")));
        }
        versions(spec, errs);
        names(names, SPEC.child("names"), errs);
        String strategy = Json.text(Json.obj(spec, "conversion"), "strategy");
        if (!strategy.equals("None") && !strategy.equals("Webhook")) {
            errs.add(FieldError.notSupported(SPEC.child("conversion", "strategy"), strategy, List.of("None", "Webhook")));
        }
        return errs;
    }

    public static List<FieldError> validateUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = ObjectMetaValidation.validateUpdateGeneric(CoreValidation.meta(n),
                CoreValidation.meta(o), META);
        errs.addAll(validate(n));
        String scope = Json.text(Json.obj(n, "spec"), "scope");
        String oldScope = Json.text(Json.obj(o, "spec"), "scope");
        if (!scope.equals(oldScope)) {
            errs.add(FieldError.invalid(SPEC.child("scope"), scope, ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return errs;
    }

    private static void versions(ObjectNode spec, List<FieldError> errs) {
        List<ObjectNode> versions = Json.objects(spec, "versions");
        FieldPath path = SPEC.child("versions");
        int storage = 0;
        boolean served = false;
        boolean unique = true;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < versions.size(); i++) {
            ObjectNode v = versions.get(i);
            FieldPath vp = path.index(i);
            String name = Json.text(v, "name");
            if (Json.bool(v, "storage")) {
                storage++;
            }
            served |= Json.bool(v, "served");
            unique &= seen.add(name);
            List<String> nameErrs = Formats.dns1035Label(name);
            if (!nameErrs.isEmpty()) {
                errs.add(FieldError.invalid(vp.child("name"), name, String.join(",", nameErrs)));
            }
            JsonNode scale = v.path("subresources").path("scale");
            if (scale.isObject()) {
                scalePaths(scale, vp.child("subresources", "scale"), errs);
            }
            JsonNode schema = v.path("schema").path("openAPIV3Schema");
            if (schema.isMissingNode() || schema.isNull()) {
                errs.add(FieldError.required(vp.child("schema", "openAPIV3Schema"), "schemas are required"));
            } else {
                errs.addAll(StructuralSchemaValidation.validate(schema, vp.child("schema", "openAPIV3Schema")));
            }
        }
        if (versions.isEmpty()) {
            errs.add(FieldError.invalid(path, GoValues.OMIT, "must have exactly one version marked as storage version"));
            return;
        }
        if (!served) {
            errs.add(FieldError.invalid(path, GoValues.OMIT, "must have at least one served version"));
        }
        if (!unique) {
            errs.add(FieldError.invalid(path, GoValues.OMIT, "must contain unique version names"));
        }
        if (storage != 1) {
            errs.add(FieldError.invalid(path, GoValues.OMIT, "must have exactly one version marked as storage version"));
        }
    }

    /** Upstream's rules for the scale subresource's paths (simple paths under .spec and .status). */
    private static void scalePaths(JsonNode scale, FieldPath path, List<FieldError> errs) {
        String spec = Json.text(scale, "specReplicasPath");
        if (spec.isEmpty()) {
            errs.add(FieldError.required(path.child("specReplicasPath"), ""));
        } else if (!spec.startsWith(".spec.")) {
            errs.add(FieldError.invalid(path.child("specReplicasPath"), spec, "should be a json path under .spec"));
        }
        String status = Json.text(scale, "statusReplicasPath");
        if (status.isEmpty()) {
            errs.add(FieldError.required(path.child("statusReplicasPath"), ""));
        } else if (!status.startsWith(".status.")) {
            errs.add(FieldError.invalid(path.child("statusReplicasPath"), status,
                    "should be a json path under .status"));
        }
        String selector = Json.text(scale, "labelSelectorPath");
        if (!selector.isEmpty() && !selector.startsWith(".spec.") && !selector.startsWith(".status.")) {
            errs.add(FieldError.invalid(path.child("labelSelectorPath"), selector,
                    "should be a json path under either .spec or .status"));
        }
    }

    private static void names(ObjectNode names, FieldPath path, List<FieldError> errs) {
        label(names, "plural", path, false, errs);
        label(names, "singular", path, false, errs);
        label(names, "kind", path, true, errs);
        label(names, "listKind", path, true, errs);
        List<String> shortNames = Json.strings(names, "shortNames");
        for (int i = 0; i < shortNames.size(); i++) {
            List<String> e = Formats.dns1035Label(shortNames.get(i));
            if (!e.isEmpty()) {
                errs.add(FieldError.invalid(path.child("shortNames").index(i), shortNames.get(i), String.join(",", e)));
            }
        }
        List<String> categories = Json.strings(names, "categories");
        for (int i = 0; i < categories.size(); i++) {
            List<String> e = Formats.dns1035Label(categories.get(i));
            if (!e.isEmpty()) {
                errs.add(FieldError.invalid(path.child("categories").index(i), categories.get(i), String.join(",", e)));
            }
        }
        String kind = Json.text(names, "kind");
        if (!kind.isEmpty() && kind.equals(Json.text(names, "listKind"))) {
            errs.add(FieldError.invalid(path.child("listKind"), kind, "kind and listKind may not be the same"));
        }
    }

    /** A name that must be a DNS-1035 label; kinds only once lowercased ("may have mixed case"). */
    private static void label(ObjectNode names, String field, FieldPath path, boolean mixedCase, List<FieldError> errs) {
        String value = Json.text(names, field);
        if (value.isEmpty()) {
            errs.add(FieldError.required(path.child(field), ""));
            return;
        }
        List<String> e = Formats.dns1035Label(mixedCase ? value.toLowerCase(Locale.ROOT) : value);
        if (!e.isEmpty()) {
            errs.add(FieldError.invalid(path.child(field), value,
                    (mixedCase ? "may have mixed case, but should otherwise match: " : "") + String.join(",", e)));
        }
    }
}
