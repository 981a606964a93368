package io.karst.apiserver.patch;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * RFC 6902 operations (add, remove, replace, move, copy, test) with RFC 6901 pointers. A failing operation
 * throws {@link PatchException} and leaves the input untouched: the patch works on a copy.
 */
public final class JsonPatch {
    private JsonPatch() {
    }

    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isArray()) {
            throw new PatchException("a JSON patch must be an array of operations");
        }
        JsonNode doc = target.deepCopy();
        int index = 0;
        for (JsonNode op : patch) {
            doc = applyOne(doc, op, index++);
        }
        return doc;
    }

    private static JsonNode applyOne(JsonNode doc, JsonNode op, int index) {
        String name = op.path("op").asText("");
        String path = requiredText(op, "path", index);
        switch (name) {
            case "add":
                return add(doc, pointer(path), value(op, index));
            case "remove":
                return remove(doc, pointer(path), path);
            case "replace": {
                JsonNode removed = remove(doc, pointer(path), path);
                return add(removed, pointer(path), value(op, index));
            }
            case "move": {
                String from = requiredText(op, "from", index);
                JsonNode moved = get(doc, pointer(from), from);
                return add(remove(doc, pointer(from), from), pointer(path), moved);
            }
            case "copy": {
                String from = requiredText(op, "from", index);
                return add(doc, pointer(path), get(doc, pointer(from), from).deepCopy());
            }
            case "test":
                if (!get(doc, pointer(path), path).equals(value(op, index))) {
                    throw new PatchException("testing value " + path + " failed");
                }
                return doc;
            default:
                throw new PatchException("unexpected kind of operation at index " + index + ": \"" + name + "\"");
        }
    }

    private static String requiredText(JsonNode op, String field, int index) {
        JsonNode v = op.get(field);
        if (v == null || !v.isTextual()) {
            throw new PatchException("operation " + index + " is missing \"" + field + "\"");
        }
        return v.asText();
    }

    private static JsonNode value(JsonNode op, int index) {
        if (!op.has("value")) {
            throw new PatchException("operation " + index + " is missing \"value\"");
        }
        return op.get("value").deepCopy();
    }

    static List<String> pointer(String path) {
        List<String> tokens = new ArrayList<>();
        if (path.isEmpty()) {
            return tokens;
        }
        if (!path.startsWith("/")) {
            throw new PatchException("invalid JSON pointer: \"" + path + "\"");
        }
        for (String raw : path.substring(1).split("/", -1)) {
            tokens.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return tokens;
    }

    private static JsonNode get(JsonNode doc, List<String> tokens, String path) {
        JsonNode node = doc;
        for (String token : tokens) {
            if (node.isObject() && node.has(token)) {
                node = node.get(token);
            } else if (node.isArray() && isIndex(token) && Integer.parseInt(token) < node.size()) {
                node = node.get(Integer.parseInt(token));
            } else {
                throw new PatchException("the path \"" + path + "\" does not exist");
            }
        }
        return node;
    }

    private static JsonNode add(JsonNode doc, List<String> tokens, JsonNode value) {
        if (tokens.isEmpty()) {
            return value;
        }
        String path = "/" + String.join("/", tokens);
        JsonNode parent = get(doc, tokens.subList(0, tokens.size() - 1), path);
        String last = tokens.get(tokens.size() - 1);
        if (parent instanceof ObjectNode object) {
            object.set(last, value);
        } else if (parent instanceof ArrayNode array) {
            if (last.equals("-")) {
                array.add(value);
            } else if (isIndex(last) && Integer.parseInt(last) <= array.size()) {
                array.insert(Integer.parseInt(last), value);
            } else {
                throw new PatchException("add operation does not apply: index out of bounds at \"" + path + "\"");
            }
        } else {
            throw new PatchException("add operation does not apply: \"" + path + "\" has no parent object");
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, List<String> tokens, String path) {
        if (tokens.isEmpty()) {
            throw new PatchException("cannot remove the whole document");
        }
        JsonNode parent = get(doc, tokens.subList(0, tokens.size() - 1), path);
        String last = tokens.get(tokens.size() - 1);
        if (parent instanceof ObjectNode object && object.has(last)) {
            object.remove(last);
        } else if (parent instanceof ArrayNode array && isIndex(last) && Integer.parseInt(last) < array.size()) {
            array.remove(Integer.parseInt(last));
        } else {
            throw new PatchException("the path \"" + path + "\" does not exist");
        }
        return doc;
    }

    private static boolean isIndex(String token) {
        if (token.isEmpty() || token.length() > 9 || (token.length() > 1 && token.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            if (!Character.isDigit(token.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
