package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Validation, matching and Go-syntax rendering of {@code metav1.LabelSelector} objects. */
public final class LabelSelectors {
    private LabelSelectors() {
    }

    /** Upstream's {@code ValidateLabelSelector} with invalid label values rejected. */
    public static List<FieldError> validate(ObjectNode selector, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (selector == null) {
            return errs;
        }
        errs.addAll(ObjectMetaValidation.labels(Json.stringMap(selector, "matchLabels"), path.child("matchLabels")));
        List<ObjectNode> exprs = Json.objects(selector, "matchExpressions");
        for (int i = 0; i < exprs.size(); i++) {
            errs.addAll(requirement(exprs.get(i), path.child("matchExpressions").index(i)));
        }
        return errs;
    }

    private static List<FieldError> requirement(ObjectNode r, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String op = Json.text(r, "operator");
        List<String> values = Json.strings(r, "values");
        switch (op) {
            case "In", "NotIn" -> {
                if (values.isEmpty()) {
                    errs.add(FieldError.required(path.child("values"),
                            "must be specified when `operator` is 'In' or 'NotIn'"));
                }
            }
            case "Exists", "DoesNotExist" -> {
                if (!values.isEmpty()) {
                    errs.add(FieldError.forbidden(path.child("values"),
                            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                }
            }
            default -> errs.add(FieldError.invalid(path.child("operator"), op, "not a valid selector operator"));
        }
        String key = Json.text(r, "key");
        for (String msg : Formats.qualifiedName(key)) {
            errs.add(FieldError.invalid(path.child("key"), key, msg));
        }
        for (int i = 0; i < values.size(); i++) {
            for (String msg : Formats.labelValue(values.get(i))) {
                errs.add(FieldError.invalid(path.child("values").index(i), values.get(i), msg));
            }
        }
        return errs;
    }

    /** Whether the selector converts to a label selector at all (upstream's LabelSelectorAsSelector succeeds). */
    public static boolean convertible(ObjectNode selector) {
        if (selector == null) {
            return true;
        }
        for (Map.Entry<String, String> e : Json.stringMapOrEmpty(selector, "matchLabels").entrySet()) {
            if (!Formats.qualifiedName(e.getKey()).isEmpty() || !Formats.labelValue(e.getValue()).isEmpty()) {
                return false;
            }
        }
        for (ObjectNode r : Json.objects(selector, "matchExpressions")) {
            if (!requirement(r, FieldPath.root("x")).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** True when the selector has no requirements (upstream skips the template-match check then). */
    public static boolean isEmpty(ObjectNode selector) {
        return selector == null
                || Json.stringMapOrEmpty(selector, "matchLabels").isEmpty() && Json.list(selector, "matchExpressions").isEmpty();
    }

    /** Whether the labels satisfy every requirement of the selector; a null selector matches nothing. */
    public static boolean matches(ObjectNode selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        for (Map.Entry<String, String> e : Json.stringMapOrEmpty(selector, "matchLabels").entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (ObjectNode r : Json.objects(selector, "matchExpressions")) {
            String key = Json.text(r, "key");
            List<String> values = Json.strings(r, "values");
            boolean has = labels.containsKey(key);
            boolean ok = switch (Json.text(r, "operator")) {
                case "In" -> has && values.contains(labels.get(key));
                case "NotIn" -> !has || !values.contains(labels.get(key));
                case "Exists" -> has;
                case "DoesNotExist" -> !has;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The selector as Go's {@code %#v} prints a {@code v1.LabelSelector}. */
    public static GoValues.Literal goLiteral(ObjectNode selector) {
        Map<String, String> ml = Json.stringMap(selector, "matchLabels");
        List<ObjectNode> exprs = Json.objects(selector, "matchExpressions");
        StringBuilder sb = new StringBuilder("v1.LabelSelector{MatchLabels:").append(GoValues.stringMap(ml))
                .append(", MatchExpressions:");
        if (!Json.has(selector, "matchExpressions")) {
            sb.append("[]v1.LabelSelectorRequirement(nil)");
        } else {
            List<String> parts = new ArrayList<>();
            for (ObjectNode r : exprs) {
                JsonNode values = r.get("values");
                parts.add("v1.LabelSelectorRequirement{Key:" + GoValues.quote(Json.text(r, "key")) + ", Operator:"
                        + GoValues.quote(Json.text(r, "operator")) + ", Values:"
                        + (values == null || values.isNull() ? "[]string(nil)" : GoValues.stringSlice(Json.strings(r, "values")))
                        + "}");
            }
            sb.append("[]v1.LabelSelectorRequirement{").append(String.join(", ", parts)).append('}');
        }
        return new GoValues.Literal(sb.append('}').toString());
    }
}
