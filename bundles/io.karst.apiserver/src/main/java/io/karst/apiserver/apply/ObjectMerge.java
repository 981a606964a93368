package io.karst.apiserver.apply;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An applied configuration merged into the live object, as upstream's {@code Merge}: the configuration's scalars
 * and atomic values win, structs and maps are merged field by field, lists with keys or of set values item by
 * item. Items only the live object has keep their places; the configuration's items come in its order.
 */
final class ObjectMerge {
    private ObjectMerge() {
    }

    static JsonNode merge(JsonNode live, JsonNode config, Shape shape) {
        if (config == null) {
            return live == null ? null : live.deepCopy();
        }
        if (live == null || live.isNull() || config.isNull()) {
            return config.deepCopy();
        }
        Shape.Kind kind = ObjectComparison.effectiveKind(shape, live, config);
        switch (kind) {
            case STRUCT, MAP -> {
                if (shape.atomic() || !live.isObject() || !config.isObject()) {
                    return config.deepCopy();
                }
                ObjectNode merged = ((ObjectNode) live).deepCopy();
                for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    merged.set(e.getKey(), merge(live.get(e.getKey()), e.getValue(), shape.child(e.getKey())));
                }
                return merged;
            }
            case LIST -> {
                if (shape.atomic() || !live.isArray() || !config.isArray()) {
                    return config.deepCopy();
                }
                return mergeItems(live, config, shape);
            }
            default -> {
                return config.deepCopy();
            }
        }
    }

    private static ArrayNode mergeItems(JsonNode live, JsonNode config, Shape list) {
        List<PathElement> path = List.of();
        List<PathElement> liveKeys = new ArrayList<>();
        Map<PathElement, JsonNode> liveItems = new HashMap<>();
        for (int i = 0; i < live.size(); i++) {
            PathElement key = ListItems.element(list, live.get(i), i, path, false);
            liveKeys.add(key);
            liveItems.putIfAbsent(key, live.get(i));
        }
        List<PathElement> configKeys = new ArrayList<>();
        Map<PathElement, JsonNode> configItems = new HashMap<>();
        for (int i = 0; i < config.size(); i++) {
            PathElement key = ListItems.element(list, config.get(i), i, path, false);
            configKeys.add(key);
            configItems.put(key, config.get(i));
        }
        Shape items = list.items();
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        // The configuration's items in its order; a live-only item goes right after the live item it followed.
        int c = 0;
        java.util.Set<PathElement> written = new java.util.HashSet<>();
        for (PathElement key : liveKeys) {
            if (!configItems.containsKey(key)) {
                if (written.add(key)) {
                    out.add(liveItems.get(key).deepCopy());
                }
                continue;
            }
            if (written.contains(key)) {
                continue;
            }
            // a shared item: first everything the configuration puts before it
            while (c < configKeys.size()) {
                PathElement next = configKeys.get(c++);
                if (written.add(next)) {
                    out.add(mergedItem(liveItems.get(next), configItems.get(next), items, next));
                }
                if (next.equals(key)) {
                    break;
                }
            }
        }
        while (c < configKeys.size()) {
            PathElement next = configKeys.get(c++);
            if (written.add(next)) {
                out.add(mergedItem(liveItems.get(next), configItems.get(next), items, next));
            }
        }
        return out;
    }

    private static JsonNode mergedItem(JsonNode live, JsonNode config, Shape items, PathElement key) {
        return key.type() == 'v' ? config.deepCopy() : merge(live, config, items);
    }
}
