package io.karst.apiserver.validation;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Upstream's {@code ValidateObjectMeta} and {@code ValidateObjectMetaUpdate}: name and generateName, namespace
 * presence by scope, labels, annotations, owner references, finalizers and the fields an update may not change.
 * All methods take the object's {@code metadata} node (null is treated as empty).
 */
public final class ObjectMetaValidation {
    public static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
    public static final String FIELD_IMMUTABLE = "field is immutable";
    public static final String NEGATIVE = "must be greater than or equal to 0";
    private static final Set<String> STANDARD_FINALIZERS = Set.of("kubernetes", "orphan", "foregroundDeletion");
    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private ObjectMetaValidation() {
    }

    /** The {@code metadata} of an object, or an empty node. */
    public static JsonNode metadata(JsonNode obj) {
        ObjectNode m = Json.obj(obj, "metadata");
        return m == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : m;
    }

    /**
     * Create-time metadata checks as the core API group runs them: apimachinery's rules plus the rule that an
     * unqualified finalizer must be one of the standard ones.
     */
    public static List<FieldError> validate(JsonNode meta, boolean namespaced, NameRule nameRule, FieldPath path) {
        List<FieldError> errs = validateGeneric(meta, namespaced, nameRule, path);
        errs.addAll(kubeFinalizerNames(meta, path));
        return errs;
    }

    /** apimachinery's {@code ValidateObjectMetaAccessor}, without the core-group finalizer rule. */
    public static List<FieldError> validateGeneric(JsonNode meta, boolean namespaced, NameRule nameRule,
            FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String generateName = Json.text(meta, "generateName");
        if (!generateName.isEmpty()) {
            for (String msg : nameRule.check(generateName, true)) {
                errs.add(FieldError.invalid(path.child("generateName"), generateName, msg));
            }
        }
        String name = Json.text(meta, "name");
        if (name.isEmpty()) {
            errs.add(FieldError.required(path.child("name"), "name or generateName is required"));
        } else {
            for (String msg : nameRule.check(name, false)) {
                errs.add(FieldError.invalid(path.child("name"), name, msg));
            }
        }
        String namespace = Json.text(meta, "namespace");
        if (namespaced) {
            if (namespace.isEmpty()) {
                errs.add(FieldError.required(path.child("namespace"), ""));
            } else {
                for (String msg : NameRule.DNS_LABEL.check(namespace, false)) {
                    errs.add(FieldError.invalid(path.child("namespace"), namespace, msg));
                }
            }
        } else if (!namespace.isEmpty()) {
            errs.add(FieldError.forbidden(path.child("namespace"), "not allowed on this type"));
        }
        long generation = Json.integer(meta, "generation", 0);
        if (generation < 0) {
            errs.add(FieldError.invalid(path.child("generation"), generation, NEGATIVE));
        }
        errs.addAll(labels(Json.stringMap(meta, "labels"), path.child("labels")));
        errs.addAll(annotations(Json.stringMap(meta, "annotations"), path.child("annotations")));
        errs.addAll(ownerReferences(meta, path.child("ownerReferences")));
        errs.addAll(finalizers(Json.strings(meta, "finalizers"), path.child("finalizers")));
        errs.addAll(managedFields(meta, path.child("managedFields")));
        return errs;
    }

    /** Update-time metadata checks as the core API group runs them. */
    public static List<FieldError> validateUpdate(JsonNode newMeta, JsonNode oldMeta, FieldPath path) {
        List<FieldError> errs = validateUpdateGeneric(newMeta, oldMeta, path);
        errs.addAll(kubeFinalizerNames(newMeta, path));
        return errs;
    }

    /** apimachinery's {@code ValidateObjectMetaAccessorUpdate}. */
    public static List<FieldError> validateUpdateGeneric(JsonNode newMeta, JsonNode oldMeta, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (Json.has(oldMeta, "deletionTimestamp")) {
            Set<String> extra = new TreeSet<>(Json.strings(newMeta, "finalizers"));
            extra.removeAll(Json.strings(oldMeta, "finalizers"));
            if (!extra.isEmpty()) {
                errs.add(FieldError.forbidden(path.child("finalizers"),
                        "no new finalizers can be added if the object is being deleted, found new finalizers "
                                + GoValues.stringSlice(extra)));
            }
        }
        if (Json.text(newMeta, "resourceVersion").isEmpty()) {
            errs.add(FieldError.invalid(path.child("resourceVersion"), "", "must be specified for an update"));
        }
        long newGen = Json.integer(newMeta, "generation", 0);
        if (newGen < Json.integer(oldMeta, "generation", 0)) {
            errs.add(FieldError.invalid(path.child("generation"), newGen, "must not be decremented"));
        }
        immutableText(newMeta, oldMeta, "name", path, errs);
        immutableText(newMeta, oldMeta, "namespace", path, errs);
        immutableText(newMeta, oldMeta, "uid", path, errs);
        immutableTime(newMeta, oldMeta, "creationTimestamp", path, errs, false);
        immutableTime(newMeta, oldMeta, "deletionTimestamp", path, errs, true);
        Long newGrace = Json.integer(newMeta, "deletionGracePeriodSeconds");
        if (!Objects.equals(newGrace, Json.integer(oldMeta, "deletionGracePeriodSeconds"))) {
            errs.add(FieldError.invalid(path.child("deletionGracePeriodSeconds"), newGrace, FIELD_IMMUTABLE));
        }
        errs.addAll(labels(Json.stringMap(newMeta, "labels"), path.child("labels")));
        errs.addAll(annotations(Json.stringMap(newMeta, "annotations"), path.child("annotations")));
        errs.addAll(ownerReferences(newMeta, path.child("ownerReferences")));
        errs.addAll(managedFields(newMeta, path.child("managedFields")));
        return errs;
    }

    private static void immutableText(JsonNode n, JsonNode o, String field, FieldPath path, List<FieldError> errs) {
        String newVal = Json.text(n, field);
        if (!newVal.equals(Json.text(o, field))) {
            errs.add(FieldError.invalid(path.child(field), newVal, FIELD_IMMUTABLE));
        }
    }

    private static void immutableTime(JsonNode n, JsonNode o, String field, FieldPath path, List<FieldError> errs,
            boolean pointer) {
        String newVal = Json.textOrNull(n, field);
        String oldVal = Json.textOrNull(o, field);
        if (!Objects.equals(instant(newVal), instant(oldVal))) {
            Object shown = newVal == null ? (pointer ? null : new GoValues.Literal(goTime(null))) : goTimeValue(newVal);
            errs.add(FieldError.invalid(path.child(field), shown, FIELD_IMMUTABLE));
        }
    }

    private static Object instant(String rfc3339) {
        if (rfc3339 == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(rfc3339).toInstant();
        } catch (DateTimeParseException e) {
            return rfc3339;
        }
    }

    private static Object goTimeValue(String rfc3339) {
        return new GoValues.Literal(goTime(rfc3339));
    }

    /** A timestamp as Go's {@code time.Time.String()} prints it in a UTC process. */
    static String goTime(String rfc3339) {
        OffsetDateTime t;
        try {
            t = rfc3339 == null ? OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC) : OffsetDateTime.parse(rfc3339);
        } catch (DateTimeParseException e) {
            return rfc3339;
        }
        return t.withOffsetSameInstant(ZoneOffset.UTC).format(GO_TIME) + " +0000 UTC";
    }

    /** Label keys must be qualified names and values valid label values; both reported at the labels field. */
    public static List<FieldError> labels(Map<String, String> labels, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (labels == null) {
            return errs;
        }
        labels.forEach((k, v) -> {
            for (String msg : Formats.qualifiedName(k)) {
                errs.add(FieldError.invalid(path, k, msg));
            }
            for (String msg : Formats.labelValue(v)) {
                errs.add(FieldError.invalid(path, v, msg));
            }
        });
        return errs;
    }

    /** Annotation keys must be qualified names (case-insensitively); keys and values together at most 256 KiB. */
    public static List<FieldError> annotations(Map<String, String> annotations, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (annotations == null) {
            return errs;
        }
        long total = 0;
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            for (String msg : Formats.qualifiedName(e.getKey().toLowerCase(Locale.ROOT))) {
                errs.add(FieldError.invalid(path, e.getKey(), msg));
            }
            total += Formats.byteLength(e.getKey()) + Formats.byteLength(e.getValue());
        }
        if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
            errs.add(FieldError.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
        }
        return errs;
    }

    /** Owner references need apiVersion (with a version), kind, name and uid; at most one may be the controller. */
    public static List<FieldError> ownerReferences(JsonNode meta, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        List<ObjectNode> refs = Json.objects(meta, "ownerReferences");
        String firstController = "";
        for (ObjectNode ref : refs) {
            String apiVersion = Json.text(ref, "apiVersion");
            String kind = Json.text(ref, "kind");
            String[] gv = groupVersion(apiVersion);
            if (gv[1].isEmpty()) {
                errs.add(FieldError.invalid(path.child("apiVersion"), apiVersion, "version must not be empty"));
            }
            if (kind.isEmpty()) {
                errs.add(FieldError.invalid(path.child("kind"), kind, "kind must not be empty"));
            }
            if (Json.text(ref, "name").isEmpty()) {
                errs.add(FieldError.invalid(path.child("name"), "", "name must not be empty"));
            }
            if (Json.text(ref, "uid").isEmpty()) {
                errs.add(FieldError.invalid(path.child("uid"), "", "uid must not be empty"));
            }
            if (gv[0].isEmpty() && gv[1].equals("v1") && kind.equals("Event")) {
                errs.add(FieldError.invalid(path, ownerReferenceLiteral(ref),
                        "/v1, Kind=Event is disallowed from being an owner"));
            }
            if (Json.bool(ref, "controller")) {
                String current = kind + "/" + Json.text(ref, "name");
                if (!firstController.isEmpty()) {
                    List<String> all = new ArrayList<>();
                    refs.forEach(r -> all.add(ownerReferenceLiteral(r).text()));
                    errs.add(FieldError.invalid(path, new GoValues.Literal("[]v1.OwnerReference{"
                            + String.join(", ", all) + "}"),
                            "Only one reference can have Controller set to true. Found \"true\" in references for "
                                    + firstController + " and " + current));
                } else {
                    firstController = current;
                }
            }
        }
        return errs;
    }

    /** Splits an apiVersion into group and version as upstream's ParseGroupVersion does; bad input gives "". */
    static String[] groupVersion(String apiVersion) {
        if (apiVersion.isEmpty() || apiVersion.equals("/")) {
            return new String[] {"", ""};
        }
        String[] parts = apiVersion.split("/", -1);
        return switch (parts.length) {
            case 1 -> new String[] {"", parts[0]};
            case 2 -> new String[] {parts[0], parts[1]};
            default -> new String[] {"", ""};
        };
    }

    private static GoValues.Literal ownerReferenceLiteral(ObjectNode ref) {
        return new GoValues.Literal("v1.OwnerReference{APIVersion:" + GoValues.quote(Json.text(ref, "apiVersion"))
                + ", Kind:" + GoValues.quote(Json.text(ref, "kind")) + ", Name:" + GoValues.quote(Json.text(ref, "name"))
                + ", UID:" + GoValues.quote(Json.text(ref, "uid")) + ", Controller:" + boolPointer(ref, "controller")
                + ", BlockOwnerDeletion:" + boolPointer(ref, "blockOwnerDeletion") + "}");
    }

    private static String boolPointer(ObjectNode n, String field) {
        // Go prints a pointer's address here; the address means nothing outside that process, so show the value.
        return Json.has(n, field) ? "(*bool)(" + Json.bool(n, field) + ")" : "(*bool)(nil)";
    }

    /** Finalizers must be qualified names, and orphan and foregroundDeletion exclude each other. */
    public static List<FieldError> finalizers(List<String> finalizers, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (String f : finalizers) {
            for (String msg : Formats.qualifiedName(f)) {
                errs.add(FieldError.invalid(path, f, msg));
            }
        }
        if (finalizers.contains("orphan") && finalizers.contains("foregroundDeletion")) {
            errs.add(FieldError.invalid(path, finalizers,
                    "finalizer orphan and foregroundDeletion cannot be both set"));
        }
        return errs;
    }

    /** Core-group rule: an unqualified finalizer must be a standard one. */
    static List<FieldError> kubeFinalizerNames(JsonNode meta, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        List<String> finalizers = Json.strings(meta, "finalizers");
        for (int i = 0; i < finalizers.size(); i++) {
            errs.addAll(kubeFinalizerName(finalizers.get(i), path.child("finalizers").index(i)));
        }
        return errs;
    }

    static List<FieldError> kubeFinalizerName(String finalizer, FieldPath path) {
        if (!finalizer.contains("/") && !STANDARD_FINALIZERS.contains(finalizer)) {
            return List.of(FieldError.invalid(path, finalizer,
                    "name is neither a standard finalizer name nor is it fully qualified"));
        }
        return List.of();
    }

    private static List<FieldError> managedFields(JsonNode meta, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        List<ObjectNode> entries = Json.objects(meta, "managedFields");
        for (int i = 0; i < entries.size(); i++) {
            ObjectNode e = entries.get(i);
            String op = Json.text(e, "operation");
            if (!op.equals("Apply") && !op.equals("Update")) {
                errs.add(FieldError.invalid(path.index(i).child("operation"), op, "must be `Apply` or `Update`"));
            }
            String type = Json.text(e, "fieldsType");
            if (!type.equals("FieldsV1")) {
                errs.add(FieldError.invalid(path.index(i).child("fieldsType"), type, "must be `FieldsV1`"));
            }
        }
        return errs;
    }

    /** Upstream's ValidateNonnegativeField. */
    public static List<FieldError> nonNegative(Long value, FieldPath path) {
        if (value != null && value < 0) {
            return List.of(FieldError.invalid(path, value, NEGATIVE));
        }
        return List.of();
    }

    /** Upstream's ValidateImmutableField for JSON subtrees (absent and null compare equal). */
    public static List<FieldError> immutable(JsonNode newVal, JsonNode oldVal, Object shown, FieldPath path) {
        JsonNode a = newVal == null || newVal.isNull() ? null : newVal;
        JsonNode b = oldVal == null || oldVal.isNull() ? null : oldVal;
        if (!Objects.equals(a, b)) {
            return List.of(FieldError.invalid(path, shown, FIELD_IMMUTABLE));
        }
        return List.of();
    }

    /** The distinct strings of a list, in order. */
    static Set<String> distinct(List<String> values) {
        return new LinkedHashSet<>(values);
    }
}
