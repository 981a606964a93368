package io.karst.apiserver.apply;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One step of a field path, kept in its {@code FieldsV1} spelling: {@code f:<field>} (a field or map key),
 * {@code k:<json>} (an item of a list keyed by fields, the key fields sorted), {@code v:<json>} (an item of a set)
 * and {@code i:<index>} (an item of a list without keys).
 */
record PathElement(String encoded) implements Comparable<PathElement> {
    private static final ObjectMapper JSON = new ObjectMapper();

    static PathElement field(String name) {
        return new PathElement("f:" + name);
    }

    /** A list item named by its key fields; {@code keys} need not be sorted. */
    static PathElement key(Map<String, JsonNode> keys) {
        ObjectNode sorted = JSON.createObjectNode();
        new TreeMap<>(keys).forEach(sorted::set);
        return new PathElement("k:" + compact(sorted));
    }

    static PathElement value(JsonNode value) {
        return new PathElement("v:" + compact(value));
    }

    static PathElement index(int index) {
        return new PathElement("i:" + index);
    }

    /** Reads a {@code FieldsV1} key; throws IllegalArgumentException for anything else. */
    static PathElement parse(String encoded) {
        if (encoded.length() < 2 || encoded.charAt(1) != ':' || "fkvi".indexOf(encoded.charAt(0)) < 0) {
            throw new IllegalArgumentException("unknown path element " + encoded);
        }
        PathElement element = new PathElement(encoded);
        switch (element.type()) {
            case 'k' -> {
                if (!(element.json() instanceof ObjectNode)) {
                    throw new IllegalArgumentException("a key path element must be a JSON object: " + encoded);
                }
            }
            case 'v' -> element.json();
            case 'i' -> {
                try {
                    Integer.parseInt(element.payload());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("an index path element must be a number: " + encoded);
                }
            }
            default -> {
            }
        }
        return element;
    }

    char type() {
        return encoded.charAt(0);
    }

    boolean isField() {
        return type() == 'f';
    }

    String payload() {
        return encoded.substring(2);
    }

    /** The field name of an {@code f:} element. */
    String fieldName() {
        return payload();
    }

    /** The key fields of a {@code k:} element or the value of a {@code v:} element. */
    JsonNode json() {
        try {
            return JSON.readTree(payload());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed path element " + encoded + ": " + e.getOriginalMessage());
        }
    }

    int index() {
        return Integer.parseInt(payload());
    }

    /** Upstream's way of printing a path in messages: {@code .spec.containers[name="app"].image}. */
    static String print(List<PathElement> path) {
        StringBuilder out = new StringBuilder();
        for (PathElement element : path) {
            switch (element.type()) {
                case 'f' -> out.append('.').append(element.fieldName());
                case 'k' -> {
                    out.append('[');
                    boolean first = true;
                    for (Iterator<Map.Entry<String, JsonNode>> it = element.json().fields(); it.hasNext();) {
                        Map.Entry<String, JsonNode> e = it.next();
                        out.append(first ? "" : ",").append(e.getKey()).append('=').append(compact(e.getValue()));
                        first = false;
                    }
                    out.append(']');
                }
                case 'v' -> out.append("[=").append(element.payload()).append(']');
                default -> out.append('[').append(element.payload()).append(']');
            }
        }
        return out.toString();
    }

    static String compact(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fields first, then keys, values and indexes, as upstream orders them; by spelling within a kind. */
    @Override
    public int compareTo(PathElement other) {
        int rank = Integer.compare(rank(type()), rank(other.type()));
        if (rank != 0) {
            return rank;
        }
        if (type() == 'i') {
            return Integer.compare(index(), other.index());
        }
        return encoded.compareTo(other.encoded);
    }

    private static int rank(char type) {
        return switch (type) {
            case 'f' -> 0;
            case 'k' -> 1;
            case 'v' -> 2;
            default -> 3;
        };
    }

    @Override
    public String toString() {
        return encoded;
    }
}
