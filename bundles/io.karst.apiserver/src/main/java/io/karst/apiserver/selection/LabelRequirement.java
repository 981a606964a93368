package io.karst.apiserver.selection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One requirement of a label selector: a key, an operator and its values, validated on construction as upstream's
 * {@code labels.NewRequirement} does. Matching is a hash lookup however many values an {@code in} lists.
 */
public final class LabelRequirement {
    private final String key;
    private final LabelOperator operator;
    private final List<String> values;
    private final Set<String> valueSet;

    private LabelRequirement(String key, LabelOperator operator, List<String> values) {
        this.key = key;
        this.operator = operator;
        this.values = Collections.unmodifiableList(new ArrayList<>(values));
        this.valueSet = values.size() > 4 ? new HashSet<>(values) : null;
    }

    /**
     * Builds a requirement after upstream's checks. {@code fieldPath} is the path prefix of the error fields
     * ({@code null} for none, as the query-string parser uses). A {@code null} values list stands for Go's nil slice,
     * which shows in the error text.
     *
     * @throws InvalidSelectorException with upstream's aggregated field errors
     */
    public static LabelRequirement of(String key, LabelOperator operator, List<String> values) {
        List<String> vals = values == null ? List.of() : values;
        List<FieldError> errs = new ArrayList<>();
        String keyErrors = String.join("; ", LabelValidation.qualifiedNameErrors(key));
        if (!keyErrors.isEmpty()) {
            errs.add(FieldError.invalid("key", key, keyErrors));
        }
        String rendered = GoFormat.stringSlice(values);
        switch (operator) {
            case IN, NOT_IN -> {
                if (vals.isEmpty()) {
                    errs.add(FieldError.invalidRendered("values", rendered,
                            "for 'in', 'notin' operators, values set can't be empty"));
                }
            }
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
                if (vals.size() != 1) {
                    errs.add(FieldError.invalidRendered("values", rendered,
                            "exact-match compatibility requires one single value"));
                }
            }
            case EXISTS, DOES_NOT_EXIST -> {
                if (!vals.isEmpty()) {
                    errs.add(FieldError.invalidRendered("values", rendered,
                            "values set must be empty for exists and does not exist"));
                }
            }
            case GREATER_THAN, LESS_THAN -> {
                if (vals.size() != 1) {
                    errs.add(FieldError.invalidRendered("values", rendered,
                            "for 'Gt', 'Lt' operators, exactly one value is required"));
                }
                for (int i = 0; i < vals.size(); i++) {
                    if (!GoFormat.parseInt64(vals.get(i)).ok()) {
                        errs.add(FieldError.invalid("values[" + i + "]", vals.get(i),
                                "for 'Gt', 'Lt' operators, the value must be an integer"));
                    }
                }
            }
            default -> throw new IllegalStateException("unknown operator " + operator);
        }
        for (int i = 0; i < vals.size(); i++) {
            String valueErrors = String.join("; ", LabelValidation.labelValueErrors(vals.get(i)));
            if (!valueErrors.isEmpty()) {
                errs.add(FieldError.invalid("values[" + i + "][" + key + "]", vals.get(i), valueErrors));
            }
        }
        if (!errs.isEmpty()) {
            throw new InvalidSelectorException(FieldError.aggregate(errs));
        }
        return new LabelRequirement(key, operator, vals);
    }

    /** A requirement trusted to be valid (labels taken from a stored object), as upstream's pre-validated sets. */
    static LabelRequirement unchecked(String key, LabelOperator operator, List<String> values) {
        return new LabelRequirement(key, operator, values);
    }

    public String key() {
        return key;
    }

    public LabelOperator operator() {
        return operator;
    }

    /** The values in the order given (sorted and de-duplicated when parsed from a string). */
    public List<String> values() {
        return values;
    }

    private boolean hasValue(String value) {
        return valueSet != null ? valueSet.contains(value) : values.contains(value);
    }

    /**
     * Upstream's matching rules: {@code notin}/{@code !=} also match when the key is absent; {@code gt}/{@code lt}
     * need the label to be a base-10 int64 and never match otherwise.
     */
    public boolean matches(Map<String, String> labels) {
        String actual = labels.get(key);
        boolean present = actual != null || labels.containsKey(key);
        return switch (operator) {
            case IN, EQUALS, DOUBLE_EQUALS -> present && hasValue(actual);
            case NOT_IN, NOT_EQUALS -> !present || !hasValue(actual);
            case EXISTS -> present;
            case DOES_NOT_EXIST -> !present;
            case GREATER_THAN, LESS_THAN -> present && compares(actual);
        };
    }

    private boolean compares(String actual) {
        if (values.size() != 1) {
            return false;
        }
        GoFormat.ParsedInt label = GoFormat.parseInt64(actual == null ? "" : actual);
        GoFormat.ParsedInt bound = GoFormat.parseInt64(values.get(0));
        if (!label.ok() || !bound.ok()) {
            return false;
        }
        return operator == LabelOperator.GREATER_THAN ? label.value() > bound.value()
                : label.value() < bound.value();
    }

    /** Upstream's canonical text, e.g. {@code app in (a,b)}, {@code !debug}, {@code tier!=cache}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (operator == LabelOperator.DOES_NOT_EXIST) {
            s.append('!');
        }
        s.append(key);
        switch (operator) {
            case EQUALS -> s.append('=');
            case DOUBLE_EQUALS -> s.append("==");
            case NOT_EQUALS -> s.append("!=");
            case IN -> s.append(" in ");
            case NOT_IN -> s.append(" notin ");
            case GREATER_THAN -> s.append('>');
            case LESS_THAN -> s.append('<');
            case EXISTS, DOES_NOT_EXIST -> {
                return s.toString();
            }
            default -> throw new IllegalStateException("unknown operator " + operator);
        }
        boolean set = operator == LabelOperator.IN || operator == LabelOperator.NOT_IN;
        if (set) {
            s.append('(');
        }
        List<String> shown = values;
        if (values.size() > 1) {
            shown = new ArrayList<>(values);
            shown.sort(LabelRequirement::compareBytes);
        }
        s.append(String.join(",", shown));
        if (set) {
            s.append(')');
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelRequirement r && r.key.equals(key) && r.operator == operator
                && r.values.equals(values);
    }

    @Override
    public int hashCode() {
        return (key.hashCode() * 31 + operator.hashCode()) * 31 + values.hashCode();
    }

    /** Go orders strings by their bytes, i.e. by code point; Java's compareTo orders UTF-16 units. */
    static int compareBytes(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
