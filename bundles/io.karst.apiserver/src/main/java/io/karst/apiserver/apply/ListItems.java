package io.karst.apiserver.apply;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/** Names the items of a non-atomic list: by their key fields, or by their value for a set. */
final class ListItems {
    private ListItems() {
    }

    /**
     * @param strict an applied configuration: an item without a key field (and no default for it) is an error;
     *        otherwise (a stored object) such an item is named by its index
     */
    static PathElement element(Shape list, JsonNode item, int index, List<PathElement> path, boolean strict) {
        if (list.listType() == Shape.ListType.SET) {
            return PathElement.value(item);
        }
        List<String> keys = list.listKeys();
        if (keys.isEmpty() || !item.isObject()) {
            if (strict && !item.isObject()) {
                throw new ApplyInputException(PathElement.print(path) + ": element " + index
                        + ": associative list with keys has an element that is not a map");
            }
            return PathElement.index(index);
        }
        Shape itemShape = list.items();
        Map<String, JsonNode> key = new LinkedHashMap<>();
        for (String field : keys) {
            JsonNode value = item.get(field);
            if (value == null || value.isNull()) {
                Optional<JsonNode> fallback = itemShape.keyDefault(field);
                if (fallback.isEmpty()) {
                    if (strict) {
                        throw new ApplyInputException(PathElement.print(path) + ": element " + index
                                + ": associative list with keys has an element that omits key field \"" + field
                                + "\" (and doesn't have default value)");
                    }
                    return PathElement.index(index);
                }
                value = fallback.get();
            }
            key.put(field, value);
        }
        return PathElement.key(key);
    }
}
