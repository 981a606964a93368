package io.karst.apiserver.selection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A label selector: the AND of its requirements, matched against an object's {@code metadata.labels}. Built from the
 * query-string syntax ({@link #parse}), from the structured {@code metav1.LabelSelector} of workload specs
 * ({@link #fromLabelSelector}) or from a plain map such as a Service's {@code spec.selector} ({@link #fromMap}).
 * Immutable and safe to share between threads.
 */
public final class LabelSelector {
    private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), true);
    private static final LabelSelector NOTHING = new LabelSelector(List.of(), false);

    private final List<LabelRequirement> requirements;
    private final boolean selectable;

    private LabelSelector(List<LabelRequirement> requirements, boolean selectable) {
        this.requirements = requirements;
        this.selectable = selectable;
    }

    /** Matches every object (the empty selector). */
    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /** Matches no object (what a missing structured selector means upstream). */
    public static LabelSelector nothing() {
        return NOTHING;
    }

    /**
     * Parses the query-string syntax ({@code a=b,c!=d,e in (f,g),h notin (i),j,!k,l>1}) exactly as upstream's
     * {@code labels.Parse}. The empty string and whitespace select everything.
     *
     * @throws InvalidSelectorException with upstream's message, e.g.
     *                                  {@code unable to parse requirement: found '', expected: ',', ')' or identifier}
     */
    public static LabelSelector parse(String selector) {
        return of(LabelSelectorParser.parse(selector));
    }

    /**
     * Upstream's {@code metav1.LabelSelectorAsSelector}: a missing or null selector selects nothing, an empty one
     * everything; {@code matchLabels} become equality requirements and {@code matchExpressions} use In, NotIn, Exists
     * and DoesNotExist.
     *
     * @throws InvalidSelectorException for an unknown operator or a requirement upstream would refuse
     */
    public static LabelSelector fromLabelSelector(JsonNode labelSelector) {
        if (labelSelector == null || labelSelector.isNull() || labelSelector.isMissingNode()) {
            return NOTHING;
        }
        JsonNode matchLabels = labelSelector.path("matchLabels");
        JsonNode matchExpressions = labelSelector.path("matchExpressions");
        if (matchLabels.size() + matchExpressions.size() == 0) {
            return EVERYTHING;
        }
        List<LabelRequirement> requirements = new ArrayList<>();
        // Go iterates the map in random order; sorted keys make the first reported error deterministic.
        List<String> keys = new ArrayList<>();
        matchLabels.fieldNames().forEachRemaining(keys::add);
        Collections.sort(keys);
        for (String key : keys) {
            requirements.add(LabelRequirement.of(key, LabelOperator.EQUALS, List.of(matchLabels.get(key).asText())));
        }
        for (JsonNode expression : matchExpressions) {
            String operator = expression.path("operator").asText("");
            LabelOperator op = switch (operator) {
                case "In" -> LabelOperator.IN;
                case "NotIn" -> LabelOperator.NOT_IN;
                case "Exists" -> LabelOperator.EXISTS;
                case "DoesNotExist" -> LabelOperator.DOES_NOT_EXIST;
                default -> throw new InvalidSelectorException(GoFormat.quote(operator)
                        + " is not a valid label selector operator");
            };
            JsonNode values = expression.path("values");
            List<String> vals = null; // Go copies into a nil slice, which shows as []string(nil) in errors
            if (values.size() > 0) {
                vals = new ArrayList<>();
                for (JsonNode v : values) {
                    vals.add(v.asText());
                }
            }
            requirements.add(LabelRequirement.of(expression.path("key").asText(""), op, vals));
        }
        return of(requirements);
    }

    /**
     * Upstream's {@code SelectorFromSet}: one equality per entry, not validated (the map comes from a stored object).
     * An empty map selects everything.
     */
    public static LabelSelector fromMap(Map<String, String> labels) {
        List<LabelRequirement> requirements = new ArrayList<>(labels.size());
        labels.forEach((k, v) -> requirements.add(LabelRequirement.unchecked(k, LabelOperator.EQUALS, List.of(v))));
        return of(requirements);
    }

    private static LabelSelector of(List<LabelRequirement> requirements) {
        if (requirements.isEmpty()) {
            return EVERYTHING;
        }
        List<LabelRequirement> sorted = new ArrayList<>(requirements);
        sorted.sort(Comparator.comparing(LabelRequirement::key, LabelRequirement::compareBytes));
        return new LabelSelector(Collections.unmodifiableList(sorted), true);
    }

    /** The requirements, sorted by key; empty for {@link #everything()} and {@link #nothing()}. */
    public List<LabelRequirement> requirements() {
        return requirements;
    }

    /** True when the selector does not restrict anything. */
    public boolean isEverything() {
        return selectable && requirements.isEmpty();
    }

    /** True for the selector that matches no object. */
    public boolean isNothing() {
        return !selectable;
    }

    public boolean matches(Map<String, String> labels) {
        if (!selectable) {
            return false;
        }
        for (LabelRequirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Matches an object by its {@code metadata.labels}; an object without labels has none. */
    public boolean matchesObject(JsonNode object) {
        if (!selectable) {
            return false;
        }
        if (requirements.isEmpty()) {
            return true;
        }
        return matches(labelsOf(object));
    }

    /** The {@code metadata.labels} of an object as a map (values as text). */
    public static Map<String, String> labelsOf(JsonNode object) {
        JsonNode labels = object == null ? null : object.path("metadata").path("labels");
        if (labels == null || !labels.isObject() || labels.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>(labels.size() * 2);
        Iterator<Map.Entry<String, JsonNode>> fields = labels.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
        }
        return out;
    }

    /**
     * Upstream's {@code RequiresExactMatch}: the value the selector pins {@code key} to ({@code =}, {@code ==} or an
     * {@code in} with one value), if it does. Lets storage narrow a list by an indexed label.
     */
    public Optional<String> requiresExactMatch(String key) {
        for (LabelRequirement r : requirements) {
            if (r.key().equals(key)) {
                switch (r.operator()) {
                    case EQUALS, DOUBLE_EQUALS, IN -> {
                        if (r.values().size() == 1) {
                            return Optional.of(r.values().get(0));
                        }
                    }
                    default -> {
                    }
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Upstream's canonical text: requirements sorted by key, joined by commas. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (LabelRequirement r : requirements) {
            if (!s.isEmpty()) {
                s.append(',');
            }
            s.append(r);
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector other && other.selectable == selectable
                && other.requirements.equals(requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode() * 2 + (selectable ? 1 : 0);
    }
}
