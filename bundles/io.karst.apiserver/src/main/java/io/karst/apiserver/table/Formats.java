package io.karst.apiserver.table;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/** The small text formats upstream's printers share: labels, label selectors, container lists, "+ N more...". */
final class Formats {
    static final String NONE = "<none>";

    private Formats() {
    }

    /** {@code labels.FormatLabels}: {@code k=v,k2=v2} sorted by key, {@code <none>} when empty. */
    static String labels(JsonNode map) {
        String s = labelString(map);
        return s.isEmpty() ? NONE : s;
    }

    private static String labelString(JsonNode map) {
        if (map == null || !map.isObject()) {
            return "";
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(e.getKey()).append('=').append(e.getValue());
        }
        return out.toString();
    }

    /** {@code metav1.FormatLabelSelector}: the selector's string, {@code <none>} when it selects everything or nothing. */
    static String labelSelector(JsonNode selector) {
        String s;
        try {
            s = selectorString(selector);
        } catch (IllegalArgumentException e) {
            return "<error>";
        }
        return s.isEmpty() ? NONE : s;
    }

    /**
     * {@code LabelSelectorAsSelector(...).String()}: matchLabels as {@code k=v}, matchExpressions as
     * {@code k in (a,b)}, {@code k notin (a)}, {@code k}, {@code !k}; requirements sorted by key, values sorted.
     *
     * @throws IllegalArgumentException for an operator upstream rejects
     */
    static String selectorString(JsonNode selector) {
        if (selector == null || !selector.isObject()) {
            return "";
        }
        List<String[]> requirements = new ArrayList<>(); // {key, text}
        JsonNode matchLabels = selector.path("matchLabels");
        if (matchLabels.isObject()) {
            matchLabels.fields().forEachRemaining(e ->
                    requirements.add(new String[] {e.getKey(), e.getKey() + "=" + e.getValue().asText()}));
        }
        for (JsonNode expr : selector.path("matchExpressions")) {
            String key = expr.path("key").asText();
            TreeSet<String> values = new TreeSet<>();
            expr.path("values").forEach(v -> values.add(v.asText()));
            String op = expr.path("operator").asText();
            String text = switch (op) {
                case "In" -> key + " in (" + String.join(",", values) + ")";
                case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
                case "Exists" -> key;
                case "DoesNotExist" -> "!" + key;
                default -> throw new IllegalArgumentException("\"" + op + "\" is not a valid label selector operator");
            };
            requirements.add(new String[] {key, text});
        }
        // upstream sorts requirements by key; a stable sort keeps matchLabels before expressions of one key
        requirements.sort((a, b) -> a[0].compareTo(b[0]));
        StringBuilder out = new StringBuilder();
        for (String[] r : requirements) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(r[1]);
        }
        return out.toString();
    }

    /** A selector's string, {@code <error>} when upstream cannot parse it (no {@code <none>} for an empty one). */
    static String selectorStringOrError(JsonNode selector) {
        try {
            return selectorString(selector);
        } catch (IllegalArgumentException e) {
            return "<error>";
        }
    }

    /** {@code layoutContainerCells}: the names and the images of containers, each comma-joined. */
    static String[] containers(JsonNode containers) {
        List<String> names = new ArrayList<>();
        List<String> images = new ArrayList<>();
        if (containers != null && containers.isArray()) {
            for (JsonNode c : containers) {
                names.add(c.path("name").asText(""));
                images.add(c.path("image").asText(""));
            }
        }
        return new String[] {String.join(",", names), String.join(",", images)};
    }

    /** {@code listWithMoreString}: the first entries, {@code "+ N more..."} past them, {@code <unset>} when empty. */
    static String listWithMore(List<String> shown, boolean more, int count, int max) {
        String joined = String.join(",", shown);
        if (more) {
            return joined + " + " + (count - max) + " more...";
        }
        return joined.isEmpty() ? "<unset>" : joined;
    }

    /** {@code GetAccessModesAsString}: RWO, ROX, RWX, RWOP in that order, each once. */
    static String accessModes(JsonNode modes) {
        List<String> present = new ArrayList<>();
        if (modes != null && modes.isArray()) {
            modes.forEach(m -> present.add(m.asText()));
        }
        List<String> out = new ArrayList<>();
        String[][] table = {{"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"}, {"ReadWriteMany", "RWX"},
                {"ReadWriteOncePod", "RWOP"}};
        for (String[] entry : table) {
            if (present.contains(entry[0])) {
                out.add(entry[1]);
            }
        }
        return String.join(",", out);
    }

    /**
     * A quantity as upstream prints it. Stored quantities are already in upstream's canonical text (the write
     * path canonicalises them), so the stored text is printed; an absent quantity is Go's zero Quantity, "0".
     */
    static String quantity(JsonNode q) {
        if (q == null || q.isMissingNode() || q.isNull()) {
            return "0";
        }
        return q.isNumber() ? q.asText() : q.asText("0");
    }

    /** {@code sets.NewString(...).List()} joined: the distinct values, sorted. */
    static String sortedUnique(Iterator<String> values) {
        TreeSet<String> set = new TreeSet<>();
        values.forEachRemaining(set::add);
        return String.join(",", set);
    }

    /** Go's {@code "True"}/{@code "False"} for a *bool, {@code <unset>} for nil. */
    static String boolPointer(JsonNode node) {
        if (node == null || !node.isBoolean()) {
            return "<unset>";
        }
        return node.asBoolean() ? "True" : "False";
    }
}
