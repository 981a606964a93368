package io.karst.apiserver.table;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSONPath subset printer columns use: {@code .a.b}, {@code ['a.b']}, {@code [0]} and the equality filter
 * {@code [?(@.type=="Ready")]}; only the first match is needed, as upstream takes the first result.
 */
final class SimpleJsonPath {
    private sealed interface Step permits Field, Index, Filter {
    }

    private record Field(String name) implements Step {
    }

    private record Index(int index) implements Step {
    }

    private record Filter(SimpleJsonPath path, String value) implements Step {
    }

    private final List<Step> steps;

    private SimpleJsonPath(List<Step> steps) {
        this.steps = steps;
    }

    /** Parses {@code path}, with or without the surrounding {@code {}}; an unparsable path matches nothing. */
    static SimpleJsonPath parse(String path) {
        String p = path.trim();
        if (p.startsWith("{") && p.endsWith("}")) {
            p = p.substring(1, p.length() - 1);
        }
        if (p.startsWith("$")) {
            p = p.substring(1);
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
                    end++;
                }
                if (end > i + 1) {
                    steps.add(new Field(p.substring(i + 1, end)));
                }
                i = end;
            } else if (c == '[') {
                int end = p.indexOf(']', i);
                if (p.startsWith("[?(", i)) {
                    end = p.indexOf(")]", i) + 1;
                }
                if (end <= i) {
                    return new SimpleJsonPath(null);
                }
                String inner = p.substring(i + 1, end);
                if (inner.startsWith("?(@") && inner.endsWith(")") && inner.contains("==")) {
                    String body = inner.substring(3, inner.length() - 1);
                    int eq = body.indexOf("==");
                    String value = body.substring(eq + 2).trim();
                    if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
                        value = value.substring(1, value.length() - 1);
                    }
                    steps.add(new Filter(parse(body.substring(0, eq).trim()), value));
                } else if (inner.startsWith("'") || inner.startsWith("\"")) {
                    steps.add(new Field(inner.substring(1, inner.length() - 1)));
                } else {
                    try {
                        steps.add(new Index(Integer.parseInt(inner.trim())));
                    } catch (NumberFormatException e) {
                        return new SimpleJsonPath(null);
                    }
                }
                i = end + 1;
            } else {
                return new SimpleJsonPath(null);
            }
        }
        return new SimpleJsonPath(steps);
    }

    /** The first value the path reaches in {@code node}; null when none. */
    JsonNode first(JsonNode node) {
        return steps == null ? null : walk(node, 0);
    }

    private JsonNode walk(JsonNode node, int at) {
        if (node == null || node.isMissingNode()) {
            return null;
        }
        if (at == steps.size()) {
            return node;
        }
        Step step = steps.get(at);
        if (step instanceof Field f) {
            return walk(node.get(f.name()), at + 1);
        }
        if (step instanceof Index ix) {
            int i = ix.index() < 0 ? node.size() + ix.index() : ix.index();
            return node.isArray() ? walk(node.get(i), at + 1) : null;
        }
        Filter filter = (Filter) step;
        if (!node.isArray()) {
            return null;
        }
        for (JsonNode element : node) {
            JsonNode v = filter.path().first(element);
            if (v != null && v.isValueNode() && v.asText().equals(filter.value())) {
                JsonNode found = walk(element, at + 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
