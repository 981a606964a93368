package io.karst.apiserver.cache;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Lets cached objects share equal {@code metadata.managedFields} trees instead of holding one each. Since server-side
 * apply every object carries them, and as decoded trees they are more than half of a small object's nodes
 * (a ConfigMap's field set alone is four nested objects), while they repeat: objects written by one manager in the
 * same second have equal lists, and objects of one shape written by one manager have equal field sets whatever
 * the time. Cached objects are never modified, so one tree can stand for all the equal ones.
 *
 * <p>A bounded table of the most recently seen lists and field sets, safe for the caches' concurrent loads.
 */
final class SharedManagedFields {
    private static final int CAPACITY = 512;

    private final Map<JsonNode, JsonNode> lists = recent();
    private final Map<JsonNode, JsonNode> fieldSets = recent();

    private static Map<JsonNode, JsonNode> recent() {
        return new LinkedHashMap<>(CAPACITY * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<JsonNode, JsonNode> eldest) {
                return size() > CAPACITY;
            }
        };
    }

    /** Replaces {@code object}'s managedFields (or their field sets) by equal ones seen before; returns it. */
    ObjectNode share(ObjectNode object) {
        if (!(object.get("metadata") instanceof ObjectNode meta)
                || !(meta.get("managedFields") instanceof ArrayNode list) || list.isEmpty()) {
            return object;
        }
        synchronized (this) {
            JsonNode same = lists.get(list);
            if (same != null && sameInOrder(same, list)) {
                meta.set("managedFields", same);
                return object;
            }
            for (JsonNode entry : list) {
                if (entry instanceof ObjectNode e && e.get("fieldsV1") instanceof ObjectNode set) {
                    JsonNode sameSet = fieldSets.get(set);
                    if (sameSet != null && sameInOrder(sameSet, set)) {
                        e.set("fieldsV1", sameSet);
                    } else {
                        fieldSets.put(set, set);
                    }
                }
            }
            lists.put(list, list);
        }
        return object;
    }

    /**
     * Equal with members in the same order: JSON trees' equality ignores the order of an object's members, and a
     * shared tree must encode to the same bytes as the one it stands for.
     */
    static boolean sameInOrder(JsonNode a, JsonNode b) {
        if (a == b) {
            return true;
        }
        if (a.getNodeType() != b.getNodeType() || a.size() != b.size()) {
            return false;
        }
        if (a.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> left = a.fields();
            Iterator<Map.Entry<String, JsonNode>> right = b.fields();
            while (left.hasNext()) {
                Map.Entry<String, JsonNode> l = left.next();
                Map.Entry<String, JsonNode> r = right.next();
                if (!l.getKey().equals(r.getKey()) || !sameInOrder(l.getValue(), r.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray()) {
            for (int i = 0; i < a.size(); i++) {
                if (!sameInOrder(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
