package io.karst.apiserver.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Removes the members of a field set from an object, each with everything below it. */
final class FieldRemoval {
    private FieldRemoval() {
    }

    /** Modifies {@code value} in place. */
    static void remove(JsonNode value, FieldSet set, Shape shape) {
        if (value == null || set.children().isEmpty()) {
            return;
        }
        if (value instanceof ObjectNode object) {
            for (Map.Entry<PathElement, FieldSet> e : set.children().entrySet()) {
                if (!e.getKey().isField()) {
                    continue;
                }
                String name = e.getKey().fieldName();
                if (e.getValue().isMember()) {
                    object.remove(name);
                } else {
                    remove(object.get(name), e.getValue(), shape.child(name));
                }
            }
        } else if (value instanceof ArrayNode array && shape.kind() == Shape.Kind.LIST) {
            Shape items = shape.items();
            List<Integer> drop = new ArrayList<>();
            List<PathElement> path = List.of();
            for (int i = 0; i < array.size(); i++) {
                FieldSet item = set.child(ListItems.element(shape, array.get(i), i, path, false));
                if (item == null) {
                    continue;
                }
                if (item.isMember()) {
                    drop.add(i);
                } else {
                    remove(array.get(i), item, items);
                }
            }
            for (int i = drop.size() - 1; i >= 0; i--) {
                array.remove(drop.get(i));
            }
        }
    }
}
