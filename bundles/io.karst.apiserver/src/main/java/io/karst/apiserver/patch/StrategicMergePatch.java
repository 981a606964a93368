package io.karst.apiserver.patch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.schema.FieldSchema;
import io.karst.apiserver.schema.TypeSchema;

/**
 * Kubernetes' strategic merge patch ({@code application/strategic-merge-patch+json}) of the built-in types: a JSON
 * merge patch, except that lists whose field has patch strategy {@code merge} are merged, by the field's patch
 * merge key for lists of objects (containers by {@code name}, ports by {@code containerPort}) and as a union for
 * lists of values (finalizers); the directives {@code $patch} (replace, merge, delete), {@code $retainKeys},
 * {@code $setElementOrder/<list>} and {@code $deleteFromPrimitiveList/<list>} are honoured. The strategies come
 * from the schema model (upstream's Go markers); a field the model does not know is merged as JSON merge patch
 * does.
 */
public final class StrategicMergePatch {
    static final String PATCH = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String SET_ELEMENT_ORDER = "$setElementOrder/";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";

    private StrategicMergePatch() {
    }

    /**
     * @param target the object as stored (not modified)
     * @param patch a JSON object
     * @param type the schema of the object's kind
     * @throws PatchException for a patch that is not an object or uses a directive wrongly
     */
    public static ObjectNode apply(ObjectNode target, JsonNode patch, TypeSchema type) {
        if (!(patch instanceof ObjectNode patchObject)) {
            throw new PatchException("strategic merge patch must be a JSON object");
        }
        ObjectNode merged = mergeMap(target.deepCopy(), patchObject, Optional.of(type));
        if (merged == null) {
            throw new PatchException("the patch deletes the whole object ($patch: delete at the top level)");
        }
        return merged;
    }

    /** Merges {@code patch} into {@code original} (which it modifies); null when the patch deletes the map. */
    private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, Optional<TypeSchema> type) {
        String directive = patch.path(PATCH).asText("");
        switch (directive) {
            case "replace" -> {
                ObjectNode replacement = patch.deepCopy();
                replacement.remove(PATCH);
                return stripDirectives(replacement);
            }
            case "delete" -> {
                return null;
            }
            case "", "merge" -> {
            }
            default -> throw new PatchException("Unknown patch type: " + directive + " in map: " + patch);
        }
        if (patch.has(RETAIN_KEYS)) {
            retainKeys(original, patch.get(RETAIN_KEYS));
        }
        // deletions from primitive lists first, so that a value both deleted and added ends up present
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                deleteFromPrimitiveList(original, e.getKey().substring(DELETE_FROM_PRIMITIVE_LIST.length()),
                        e.getValue());
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.startsWith("$")) {
                continue;
            }
            JsonNode value = e.getValue();
            if (value.isNull()) {
                original.remove(key);
                continue;
            }
            Optional<FieldSchema> field = type.flatMap(t -> t.property(key));
            JsonNode merged = mergeValue(original.get(key), value, field);
            if (merged == null) {
                original.remove(key); // {"$patch": "delete"}
            } else {
                original.set(key, merged);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith(SET_ELEMENT_ORDER)) {
                String list = e.getKey().substring(SET_ELEMENT_ORDER.length());
                Optional<FieldSchema> field = type.flatMap(t -> t.property(list));
                if (original.get(list) instanceof ArrayNode items && e.getValue() instanceof ArrayNode order) {
                    original.set(list, reorder(items, order, field.map(FieldSchema::patchMergeKey).orElse("")));
                }
            }
        }
        return original;
    }

    private static JsonNode mergeValue(JsonNode current, JsonNode value, Optional<FieldSchema> field) {
        if (value instanceof ObjectNode patchMap) {
            Optional<TypeSchema> nested = field.flatMap(FieldSchema::referencedType);
            if (nested.isEmpty() && field.isPresent() && field.get().isMap()) {
                // map[string]Struct: each value merged with the struct's schema
                Optional<TypeSchema> values = field.get().mapValues().flatMap(FieldSchema::referencedType);
                ObjectNode base = current instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
                return mergeMapOfStructs(base, patchMap, values);
            }
            ObjectNode base = current instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
            return mergeMap(base, patchMap, nested);
        }
        if (value instanceof ArrayNode patchList) {
            ArrayNode base = current instanceof ArrayNode a ? a : JsonNodeFactory.instance.arrayNode();
            return mergeList(base, patchList, field);
        }
        return value;
    }

    private static ObjectNode mergeMapOfStructs(ObjectNode original, ObjectNode patch, Optional<TypeSchema> values) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                original.remove(e.getKey());
            } else if (e.getValue() instanceof ObjectNode p) {
                ObjectNode base = original.get(e.getKey()) instanceof ObjectNode o ? o
                        : JsonNodeFactory.instance.objectNode();
                ObjectNode merged = mergeMap(base, p, values);
                if (merged == null) {
                    original.remove(e.getKey());
                } else {
                    original.set(e.getKey(), merged);
                }
            } else {
                original.set(e.getKey(), e.getValue());
            }
        }
        return original;
    }

    private static ArrayNode mergeList(ArrayNode original, ArrayNode patch, Optional<FieldSchema> field) {
        boolean merge = field.map(f -> f.patchStrategy().contains("merge")).orElse(false);
        if (!merge) {
            return stripDirectives(patch.deepCopy());
        }
        Optional<FieldSchema> items = field.flatMap(FieldSchema::items);
        Optional<TypeSchema> itemType = items.flatMap(FieldSchema::referencedType);
        String mergeKey = field.get().patchMergeKey();
        boolean objects = itemType.isPresent() || hasObjects(patch);
        if (!objects) {
            ArrayNode union = original.deepCopy();
            Set<JsonNode> present = new HashSet<>();
            union.forEach(present::add);
            for (JsonNode v : patch) {
                if (present.add(v)) {
                    union.add(v);
                }
            }
            return union;
        }
        for (JsonNode element : patch) {
            if ("replace".equals(element.path(PATCH).asText(""))) {
                // {"$patch": "replace"} among the elements: the list becomes the patch's other elements
                ArrayNode replaced = JsonNodeFactory.instance.arrayNode();
                for (JsonNode other : patch) {
                    if (!other.has(PATCH)) {
                        replaced.add(stripDirectives(other.deepCopy()));
                    }
                }
                return replaced;
            }
        }
        if (mergeKey.isEmpty()) {
            return stripDirectives(patch.deepCopy());
        }
        ArrayNode merged = original.deepCopy();
        for (JsonNode element : patch) {
            if (!(element instanceof ObjectNode patchElement)) {
                throw new PatchException("a list merged by \"" + mergeKey + "\" takes objects, but the patch has "
                        + "the element " + element);
            }
            JsonNode keyValue = patchElement.get(mergeKey);
            if (keyValue == null) {
                throw new PatchException("map: " + patchElement + " does not contain declared merge key: "
                        + mergeKey);
            }
            int at = indexOf(merged, mergeKey, keyValue);
            if ("delete".equals(patchElement.path(PATCH).asText(""))) {
                if (at >= 0) {
                    merged.remove(at);
                }
                continue;
            }
            if (at >= 0) {
                ObjectNode result = mergeMap((ObjectNode) merged.get(at), patchElement, itemType);
                if (result == null) {
                    merged.remove(at);
                } else {
                    merged.set(at, result);
                }
            } else {
                ObjectNode added = mergeMap(JsonNodeFactory.instance.objectNode(), patchElement, itemType);
                if (added != null) {
                    merged.add(added);
                }
            }
        }
        return merged;
    }

    private static boolean hasObjects(ArrayNode list) {
        for (JsonNode n : list) {
            if (n.isObject()) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(ArrayNode list, String key, JsonNode value) {
        for (int i = 0; i < list.size(); i++) {
            if (value.equals(list.get(i).get(key))) {
                return i;
            }
        }
        return -1;
    }

    /** $retainKeys: the fields of the original that the list does not name go. */
    private static void retainKeys(ObjectNode original, JsonNode keys) {
        if (!keys.isArray()) {
            throw new PatchException("$retainKeys must be a list of field names, not " + keys);
        }
        Set<String> retained = new HashSet<>();
        keys.forEach(k -> retained.add(k.asText()));
        List<String> drop = new ArrayList<>();
        original.fieldNames().forEachRemaining(name -> {
            if (!retained.contains(name)) {
                drop.add(name);
            }
        });
        drop.forEach(original::remove);
    }

    private static void deleteFromPrimitiveList(ObjectNode original, String list, JsonNode values) {
        if (!(original.get(list) instanceof ArrayNode items) || !values.isArray()) {
            return;
        }
        Set<JsonNode> delete = new HashSet<>();
        values.forEach(delete::add);
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        items.forEach(v -> {
            if (!delete.contains(v)) {
                kept.add(v);
            }
        });
        original.set(list, kept);
    }

    /**
     * $setElementOrder: the elements the order names come first, in its order; the others (added by someone
     * else than the patch's author) keep their relative order after them.
     */
    private static ArrayNode reorder(ArrayNode items, ArrayNode order, String mergeKey) {
        ArrayNode sorted = JsonNodeFactory.instance.arrayNode();
        List<JsonNode> rest = new ArrayList<>();
        items.forEach(rest::add);
        for (JsonNode wanted : order) {
            JsonNode identity = mergeKey.isEmpty() || !wanted.isObject() ? wanted : wanted.get(mergeKey);
            for (Iterator<JsonNode> it = rest.iterator(); it.hasNext();) {
                JsonNode item = it.next();
                JsonNode itemIdentity = mergeKey.isEmpty() || !item.isObject() ? item : item.get(mergeKey);
                if (identity != null && identity.equals(itemIdentity)) {
                    sorted.add(item);
                    it.remove();
                    break;
                }
            }
        }
        rest.forEach(sorted::add);
        return sorted;
    }

    /** Removes every directive from a value that is stored as given. */
    private static <T extends JsonNode> T stripDirectives(T node) {
        if (node instanceof ObjectNode object) {
            List<String> directives = new ArrayList<>();
            object.fieldNames().forEachRemaining(name -> {
                if (name.startsWith("$")) {
                    directives.add(name);
                }
            });
            directives.forEach(object::remove);
            object.elements().forEachRemaining(StrategicMergePatch::stripDirectives);
        } else if (node instanceof ArrayNode array) {
            array.forEach(StrategicMergePatch::stripDirectives);
        }
        return node;
    }
}
