package io.karst.apiserver.apply;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A set of field paths as a tree: each node says whether its own path is a member and holds its children. Set
 * operations work on exact paths (a member does not imply its descendants), as upstream's {@code fieldpath.Set}.
 * Read and written in the {@code FieldsV1} form of {@code metadata.managedFields}.
 */
final class FieldSet {
    private static final String SELF = ".";

    private boolean member;
    private final TreeMap<PathElement, FieldSet> children = new TreeMap<>();

    FieldSet() {
    }

    static FieldSet of(List<List<PathElement>> paths) {
        FieldSet set = new FieldSet();
        paths.forEach(set::insert);
        return set;
    }

    void insert(List<PathElement> path) {
        FieldSet node = this;
        for (PathElement element : path) {
            node = node.children.computeIfAbsent(element, e -> new FieldSet());
        }
        node.member = true;
    }

    boolean has(List<PathElement> path) {
        FieldSet node = this;
        for (PathElement element : path) {
            node = node.children.get(element);
            if (node == null) {
                return false;
            }
        }
        return node.member;
    }

    boolean isMember() {
        return member;
    }

    FieldSet child(PathElement element) {
        return children.get(element);
    }

    Map<PathElement, FieldSet> children() {
        return children;
    }

    void markMember() {
        member = true;
    }

    /** No member anywhere below. */
    boolean isEmpty() {
        if (member) {
            return false;
        }
        for (FieldSet child : children.values()) {
            if (!child.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    FieldSet copy() {
        FieldSet copy = new FieldSet();
        copy.member = member;
        children.forEach((e, c) -> copy.children.put(e, c.copy()));
        return copy;
    }

    FieldSet union(FieldSet other) {
        FieldSet result = copy();
        result.addAll(other);
        return result;
    }

    private void addAll(FieldSet other) {
        member |= other.member;
        other.children.forEach((e, c) -> children.computeIfAbsent(e, k -> new FieldSet()).addAll(c));
    }

    /** The paths of this set that are not in {@code other}. */
    FieldSet difference(FieldSet other) {
        FieldSet result = new FieldSet();
        result.member = member && !other.member;
        children.forEach((e, c) -> {
            FieldSet o = other.children.get(e);
            FieldSet d = o == null ? c.copy() : c.difference(o);
            if (!d.isEmpty()) {
                result.children.put(e, d);
            }
        });
        return result;
    }

    FieldSet intersection(FieldSet other) {
        FieldSet result = new FieldSet();
        result.member = member && other.member;
        children.forEach((e, c) -> {
            FieldSet o = other.children.get(e);
            if (o != null) {
                FieldSet i = c.intersection(o);
                if (!i.isEmpty()) {
                    result.children.put(e, i);
                }
            }
        });
        return result;
    }

    /** This set without the paths at or below the members of {@code prefixes}. */
    FieldSet withoutPrefixes(FieldSet prefixes) {
        FieldSet result = new FieldSet();
        result.member = member && !prefixes.member;
        if (prefixes.member) {
            return result;
        }
        children.forEach((e, c) -> {
            FieldSet p = prefixes.children.get(e);
            FieldSet kept = p == null ? c.copy() : c.withoutPrefixes(p);
            if (!kept.isEmpty()) {
                result.children.put(e, kept);
            }
        });
        return result;
    }

    /** Every member path, in order. */
    List<List<PathElement>> paths() {
        List<List<PathElement>> out = new ArrayList<>();
        walk(new ArrayList<>(), out::add);
        return out;
    }

    private void walk(List<PathElement> prefix, Consumer<List<PathElement>> sink) {
        if (member) {
            sink.accept(List.copyOf(prefix));
        }
        children.forEach((e, c) -> {
            prefix.add(e);
            c.walk(prefix, sink);
            prefix.remove(prefix.size() - 1);
        });
    }

    /** The {@code FieldsV1} object: {@code {"f:spec":{"f:replicas":{}}}}, with {@code ".": {}} for a member that has children. */
    ObjectNode toFieldsV1() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (member && !children.isEmpty()) {
            out.putObject(SELF);
        }
        children.forEach((e, c) -> {
            if (!c.isEmpty()) {
                out.set(e.encoded(), c.toFieldsV1());
            }
        });
        return out;
    }

    /** Reads {@code FieldsV1}; throws IllegalArgumentException for a malformed one. */
    static FieldSet fromFieldsV1(JsonNode fields) {
        if (!(fields instanceof ObjectNode object)) {
            throw new IllegalArgumentException("FieldsV1 must be a JSON object");
        }
        FieldSet set = new FieldSet();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(SELF)) {
                set.member = true;
                continue;
            }
            FieldSet child = fromFieldsV1(e.getValue());
            if (e.getValue().isEmpty()) {
                child.member = true;
            }
            set.children.put(PathElement.parse(e.getKey()), child);
        }
        return set;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (List<PathElement> path : paths()) {
            out.append(PathElement.print(path)).append('\n');
        }
        return out.toString();
    }
}
