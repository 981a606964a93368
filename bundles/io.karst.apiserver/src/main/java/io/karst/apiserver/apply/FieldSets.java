package io.karst.apiserver.apply;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The set of fields an object sets, as upstream's {@code ToFieldSet}: every scalar, atomic value, list item and
 * map entry (not the declared struct fields that only hold others), and empty or null values themselves.
 */
final class FieldSets {
    private FieldSets() {
    }

    /** The fields of a stored object (lenient: items without keys are named by index). */
    static FieldSet of(JsonNode value, Shape shape) {
        FieldSet set = new FieldSet();
        walk(value, shape, new ArrayList<>(), set, false);
        return set;
    }

    /**
     * The fields of an applied configuration; throws {@link ApplyInputException} for a field the schema does not
     * declare, a list item without its key, or two items with one key.
     */
    static FieldSet ofConfiguration(JsonNode value, Shape shape) {
        FieldSet set = new FieldSet();
        walk(value, shape, new ArrayList<>(), set, true);
        return set;
    }

    private static void walk(JsonNode value, Shape shape, List<PathElement> path, FieldSet set, boolean strict) {
        Shape.Kind kind = shape.kind();
        if (kind == Shape.Kind.DEDUCED) {
            kind = value.isObject() ? Shape.Kind.MAP : Shape.Kind.SCALAR;
        }
        switch (kind) {
            case STRUCT, MAP -> {
                if (!value.isObject() || shape.atomic()) {
                    set.insert(path);
                    return;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String name = e.getKey();
                    boolean declared = shape.declares(name);
                    if (strict && shape.kind() == Shape.Kind.STRUCT && !declared && !shape.preservesUnknownFields()) {
                        throw new ApplyInputException(PathElement.print(path) + "." + name
                                + ": field not declared in schema");
                    }
                    path.add(PathElement.field(name));
                    JsonNode child = e.getValue();
                    walk(child, shape.child(name), path, set, strict);
                    if (child.isNull() || (child.isObject() && child.isEmpty()) || !declared) {
                        set.insert(path);
                    }
                    path.remove(path.size() - 1);
                }
            }
            case LIST -> {
                if (!value.isArray() || shape.atomic()) {
                    set.insert(path);
                    return;
                }
                Shape items = shape.items();
                Set<PathElement> seen = new HashSet<>();
                for (int i = 0; i < value.size(); i++) {
                    PathElement element = ListItems.element(shape, value.get(i), i, path, strict);
                    if (!seen.add(element) && strict) {
                        throw new ApplyInputException(PathElement.print(path) + ": duplicate entries for key "
                                + PathElement.print(List.of(element)));
                    }
                    path.add(element);
                    if (element.type() != 'v') {
                        walk(value.get(i), items, path, set, strict);
                    }
                    set.insert(path);
                    path.remove(path.size() - 1);
                }
            }
            default -> set.insert(path);
        }
    }

    /**
     * Upstream's {@code EnsureNamedFieldsAreMembers}: a declared struct field with members below becomes a member
     * itself, so that removing it removes the whole field once nobody owns anything in it.
     */
    static FieldSet withNamedFieldsAsMembers(FieldSet set, Shape shape) {
        FieldSet result = set.copy();
        mark(result, shape);
        return result;
    }

    private static void mark(FieldSet node, Shape shape) {
        for (Map.Entry<PathElement, FieldSet> e : node.children().entrySet()) {
            PathElement element = e.getKey();
            FieldSet child = e.getValue();
            Shape childShape;
            if (element.isField()) {
                childShape = shape.child(element.fieldName());
                if (shape.declares(element.fieldName()) && !child.children().isEmpty() && !child.isEmpty()) {
                    child.markMember();
                }
            } else {
                childShape = shape.kind() == Shape.Kind.LIST ? shape.items() : Shape.deduced();
            }
            mark(child, childShape);
        }
    }
}
