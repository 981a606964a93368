package io.karst.apiserver.apply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What changed between two versions of an object, as upstream's {@code Compare}: the paths added, modified
 * (scalars and atomic values that differ) and removed. A struct, map or list item that appears or goes is itself
 * added or removed, besides what it holds.
 */
record ObjectComparison(FieldSet added, FieldSet modified, FieldSet removed) {

    static ObjectComparison of(JsonNode before, JsonNode after, Shape shape) {
        ObjectComparison comparison = new ObjectComparison(new FieldSet(), new FieldSet(), new FieldSet());
        comparison.compare(before, after, shape, new ArrayList<>());
        return comparison;
    }

    FieldSet addedOrModified() {
        return added.union(modified);
    }

    boolean isSame() {
        return added.isEmpty() && modified.isEmpty() && removed.isEmpty();
    }

    private void compare(JsonNode before, JsonNode after, Shape shape, List<PathElement> path) {
        Shape.Kind kind = effectiveKind(shape, before, after);
        boolean leaf = switch (kind) {
            case STRUCT, MAP -> shape.atomic() || !objectOrAbsent(before) || !objectOrAbsent(after)
                    || (emptyOrAbsent(before) && emptyOrAbsent(after));
            case LIST -> shape.atomic() || !arrayOrAbsent(before) || !arrayOrAbsent(after)
                    || (emptyOrAbsent(before) && emptyOrAbsent(after));
            default -> true;
        };
        if (leaf) {
            if (before == null) {
                added.insert(path);
            } else if (after == null) {
                removed.insert(path);
            } else if (!before.equals(after)) {
                modified.insert(path);
            }
            return;
        }
        if (kind == Shape.Kind.LIST) {
            compareItems(before, after, shape, path);
        } else {
            Set<String> names = new LinkedHashSet<>();
            if (before != null) {
                before.fieldNames().forEachRemaining(names::add);
            }
            if (after != null) {
                after.fieldNames().forEachRemaining(names::add);
            }
            for (String name : names) {
                path.add(PathElement.field(name));
                compare(before == null ? null : before.get(name), after == null ? null : after.get(name),
                        shape.child(name), path);
                path.remove(path.size() - 1);
            }
        }
        if (!path.isEmpty()) {
            if (before == null) {
                added.insert(path);
            } else if (after == null) {
                removed.insert(path);
            }
        }
    }

    private void compareItems(JsonNode before, JsonNode after, Shape list, List<PathElement> path) {
        Map<PathElement, List<JsonNode>> left = group(before, list, path);
        Map<PathElement, List<JsonNode>> right = group(after, list, path);
        Set<PathElement> all = new LinkedHashSet<>(left.keySet());
        all.addAll(right.keySet());
        Shape items = list.items();
        for (PathElement element : all) {
            List<JsonNode> l = left.getOrDefault(element, List.of());
            List<JsonNode> r = right.getOrDefault(element, List.of());
            path.add(element);
            if (l.size() <= 1 && r.size() <= 1) {
                JsonNode lv = l.isEmpty() ? null : l.get(0);
                JsonNode rv = r.isEmpty() ? null : r.get(0);
                if (element.type() == 'v') {
                    compare(lv, rv, Shape.deduced(), path);
                } else {
                    compare(lv, rv, items, path);
                }
            } else if (!l.equals(r)) {
                // duplicated keys (written before apply saw them) are compared as a whole
                (l.isEmpty() ? added : r.isEmpty() ? removed : modified).insert(path);
            }
            path.remove(path.size() - 1);
        }
    }

    static Map<PathElement, List<JsonNode>> group(JsonNode list, Shape shape, List<PathElement> path) {
        Map<PathElement, List<JsonNode>> groups = new LinkedHashMap<>();
        if (list == null || !list.isArray()) {
            return groups;
        }
        for (int i = 0; i < list.size(); i++) {
            groups.computeIfAbsent(ListItems.element(shape, list.get(i), i, path, false), k -> new ArrayList<>())
                    .add(list.get(i));
        }
        return groups;
    }

    static Shape.Kind effectiveKind(Shape shape, JsonNode a, JsonNode b) {
        Shape.Kind kind = shape.kind();
        if (kind != Shape.Kind.DEDUCED) {
            return kind;
        }
        JsonNode sample = a != null ? a : b;
        return sample != null && sample.isObject() ? Shape.Kind.MAP : Shape.Kind.SCALAR;
    }

    private static boolean objectOrAbsent(JsonNode v) {
        return v == null || v.isObject();
    }

    private static boolean arrayOrAbsent(JsonNode v) {
        return v == null || v.isArray();
    }

    private static boolean emptyOrAbsent(JsonNode v) {
        return v == null || v.isEmpty();
    }
}
