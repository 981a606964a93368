package io.karst.apiserver.selection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Upstream's {@code ValidateLabelSelector} for a {@code metav1.LabelSelector} inside an object being created or
 * updated (a Deployment's {@code spec.selector}, a NetworkPolicy's {@code podSelector}): one field error per problem,
 * with upstream's paths and messages, for the object's 422 Invalid.
 */
public final class LabelSelectorValidation {
    private LabelSelectorValidation() {
    }

    /**
     * Validates a selector at {@code path} (e.g. {@code spec.selector}). A missing or null selector is valid.
     *
     * @param allowUnknownOperator   accept operators other than In/NotIn/Exists/DoesNotExist (upstream allows this
     *                               only on update when the old object already had one)
     * @param allowInvalidLabelValue accept invalid values in expressions (likewise, for existing data)
     */
    public static List<FieldError> validate(JsonNode selector, String path, boolean allowUnknownOperator,
            boolean allowInvalidLabelValue) {
        List<FieldError> errs = new ArrayList<>();
        if (selector == null || selector.isNull() || selector.isMissingNode()) {
            return errs;
        }
        errs.addAll(validateLabels(selector.path("matchLabels"), path + ".matchLabels"));
        JsonNode expressions = selector.path("matchExpressions");
        for (int i = 0; i < expressions.size(); i++) {
            JsonNode expr = expressions.get(i);
            String at = path + ".matchExpressions[" + i + "]";
            String operator = expr.path("operator").asText("");
            JsonNode values = expr.path("values");
            switch (operator) {
                case "In", "NotIn" -> {
                    if (values.isEmpty()) {
                        errs.add(FieldError.required(at + ".values",
                                "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (!values.isEmpty()) {
                        errs.add(FieldError.forbidden(at + ".values",
                                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                }
                default -> {
                    if (!allowUnknownOperator) {
                        errs.add(FieldError.invalid(at + ".operator", operator, "not a valid selector operator"));
                    }
                }
            }
            String key = expr.path("key").asText("");
            for (String msg : LabelValidation.qualifiedNameErrors(key)) {
                errs.add(FieldError.invalid(at + ".key", key, msg));
            }
            if (!allowInvalidLabelValue) {
                for (int v = 0; v < values.size(); v++) {
                    String value = values.get(v).asText();
                    for (String msg : LabelValidation.labelValueErrors(value)) {
                        errs.add(FieldError.invalid(at + ".values[" + v + "]", value, msg));
                    }
                }
            }
        }
        return errs;
    }

    /** Upstream's {@code ValidateLabels}: each key a qualified name, each value a label value, all at {@code path}. */
    public static List<FieldError> validateLabels(JsonNode labels, String path) {
        List<FieldError> errs = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        labels.fieldNames().forEachRemaining(keys::add);
        Collections.sort(keys); // Go walks the map in random order; sorted output is stable
        for (String key : keys) {
            for (String msg : LabelValidation.qualifiedNameErrors(key)) {
                errs.add(FieldError.invalid(path, key, msg));
            }
            String value = labels.get(key).asText();
            for (String msg : LabelValidation.labelValueErrors(value)) {
                errs.add(FieldError.invalid(path, value, msg));
            }
        }
        return errs;
    }
}
