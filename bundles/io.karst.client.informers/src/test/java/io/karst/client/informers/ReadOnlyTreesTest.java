package io.karst.client.informers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.karst.client.informers.ReadOnlyTrees.ReadOnlyTreeException;

class ReadOnlyTreesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POD = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"1\"},"
            + "\"managedFields\":[{\"manager\":\"m\",\"fieldsV1\":{\"f:spec\":{}}}]},"
            + "\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{\"containerPort\":80}]}]},\"status\":{}}";

    private static ObjectNode parsedFreezable() throws Exception {
        return (ObjectNode) JSON.reader().with(ReadOnlyTrees.FACTORY).readTree(POD);
    }

    @Test
    void aTreeFromTheFactoryIsMutableUntilFrozenInPlaceThenEveryContainerRefusesChange() throws Exception {
        ObjectNode pod = parsedFreezable();
        ((ObjectNode) pod.get("status")).put("phase", "Pending"); // not frozen yet
        assertFalse(ReadOnlyTrees.isFrozen(pod));
        assertSame(pod, ReadOnlyTrees.freezeOwned(pod));
        assertTrue(ReadOnlyTrees.isFrozen(pod));
        for (String path : List.of("/metadata", "/metadata/labels", "/metadata/managedFields",
                "/metadata/managedFields/0", "/spec/containers", "/spec/containers/0/ports/0", "/status")) {
            assertTrue(ReadOnlyTrees.isFrozen(pod.at(path)), path);
        }
        assertEquals("Pending", pod.at("/status/phase").asText());
    }

    @Test
    void everyObjectNodeMutatorThrows() throws Exception {
        ObjectNode meta = (ObjectNode) ReadOnlyTrees.freezeOwned(parsedFreezable()).get("metadata");
        List<Consumer<ObjectNode>> mutators = List.of(
                o -> o.put("name", "b"), o -> o.set("x", TextNode.valueOf("y")), o -> o.replace("name", null),
                o -> o.remove("name"), o -> o.remove(List.of("name")), o -> o.removeAll(), o -> o.retain("name"),
                o -> o.setAll(Map.of("k", TextNode.valueOf("v"))), o -> o.putObject("o"), o -> o.putArray("a"),
                o -> o.without("labels"), o -> o.putIfAbsent("new", TextNode.valueOf("v")), o -> o.putNull("n"),
                o -> o.withObject("/created"), o -> o.withArray("created"),
                o -> removeFirst(o.fields()), o -> o.fields().next().setValue(TextNode.valueOf("v")),
                o -> o.properties().iterator().next().setValue(TextNode.valueOf("v")),
                o -> o.properties().clear(), o -> removeFirst(o.fieldNames()));
        for (int i = 0; i < mutators.size(); i++) {
            Consumer<ObjectNode> mutator = mutators.get(i);
            assertThrows(UnsupportedOperationException.class, () -> mutator.accept(meta), "mutator " + i);
        }
        assertEquals(JSON.readTree(POD).get("metadata"), meta);
        assertThrows(ReadOnlyTreeException.class, () -> meta.put("name", "b"));
    }

    @Test
    void everyArrayNodeMutatorThrows() throws Exception {
        ArrayNode containers = (ArrayNode) ReadOnlyTrees.freezeOwned(parsedFreezable()).at("/spec/containers");
        List<Consumer<ArrayNode>> mutators = List.of(
                a -> a.add("x"), a -> a.add(TextNode.valueOf("x")), a -> a.insert(0, "x"),
                a -> a.set(0, TextNode.valueOf("x")), a -> a.remove(0), a -> a.removeAll(), a -> a.addObject(),
                a -> a.addArray(), a -> a.addAll(List.of(TextNode.valueOf("x"))), a -> a.addNull(),
                a -> removeFirst(a.elements()), a -> removeFirst(a.iterator()), a -> a.insertObject(0));
        for (int i = 0; i < mutators.size(); i++) {
            Consumer<ArrayNode> mutator = mutators.get(i);
            assertThrows(UnsupportedOperationException.class, () -> mutator.accept(containers), "mutator " + i);
        }
        assertEquals(1, containers.size());
    }

    private static void removeFirst(Iterator<?> it) {
        it.next();
        it.remove();
    }

    @Test
    void aDeepCopyIsAnOrdinaryMutableTreeEqualToTheFrozenOne() throws Exception {
        ObjectNode frozen = ReadOnlyTrees.freezeOwned(parsedFreezable());
        ObjectNode copy = frozen.deepCopy();
        assertEquals(frozen, copy);
        assertFalse(ReadOnlyTrees.isFrozen(copy));
        ((ObjectNode) copy.get("metadata")).putObject("annotations").put("a", "b");
        ((ArrayNode) copy.at("/spec/containers")).addObject().put("name", "d");
        copy.with("status").put("phase", "Running");
        assertEquals(JSON.readTree(POD), frozen);
        assertEquals(JSON.writeValueAsString(JSON.readTree(POD)), JSON.writeValueAsString(frozen),
                "the same bytes, members in their order");
    }

    @Test
    void readOnlyCopiesAnUnfrozenTreeSharingFrozenPartsAndLeavesTheOriginalMutable() throws Exception {
        ObjectNode frozenMeta = ReadOnlyTrees.freezeOwned(parsedFreezable());
        ObjectNode plain = (ObjectNode) JSON.readTree(POD);
        plain.set("metadata", frozenMeta.get("metadata"));
        ObjectNode readOnly = ReadOnlyTrees.readOnly(plain);
        assertNotSame(plain, readOnly);
        assertEquals(plain, readOnly);
        assertTrue(ReadOnlyTrees.isFrozen(readOnly.get("spec")));
        assertSame(plain.get("metadata"), readOnly.get("metadata"), "a frozen subtree is shared, not copied");
        assertSame(readOnly, ReadOnlyTrees.readOnly(readOnly), "a frozen tree is itself");
        plain.put("kind", "Other"); // the caller's tree is still its own
        assertEquals("Pod", readOnly.get("kind").asText());
        assertThrows(ReadOnlyTreeException.class, () -> ((ObjectNode) readOnly.get("spec")).put("x", 1));
    }

    @Test
    void freezingAnOwnedTreeReplacesPlainContainersByFrozenCopies() throws Exception {
        ObjectNode pod = parsedFreezable();
        ObjectNode plainStatus = (ObjectNode) JSON.readTree("{\"phase\":\"Running\",\"conditions\":[{}]}");
        pod.set("status", plainStatus);
        ReadOnlyTrees.freezeOwned(pod);
        JsonNode status = pod.get("status");
        assertNotSame(plainStatus, status);
        assertTrue(ReadOnlyTrees.isFrozen(status));
        assertTrue(ReadOnlyTrees.isFrozen(status.get("conditions")));
        assertEquals(plainStatus, status);
    }

    @Test
    void frozenTreesAreEqualToAndHashLikeOrdinaryOnes() throws Exception {
        ObjectNode frozen = ReadOnlyTrees.freezeOwned(parsedFreezable());
        JsonNode plain = JSON.readTree(POD);
        assertEquals(plain.hashCode(), frozen.hashCode());
        assertTrue(plain.equals(frozen) && frozen.equals(plain));
        Set<Map.Entry<String, JsonNode>> entries = frozen.properties();
        assertEquals(4, entries.size());
        assertTrue(entries.contains(Map.entry("kind", TextNode.valueOf("Pod"))));
    }

    @Test
    void treesFromTheFactoryShareEqualShortStrings() throws Exception {
        ObjectNode a = parsedFreezable();
        ObjectNode b = parsedFreezable();
        assertSame(a.get("kind"), b.get("kind"));
        assertSame(a.at("/metadata/labels/x"), b.at("/metadata/labels/x"));
        String longText = "x".repeat(65);
        ObjectNode c = (ObjectNode) JSON.reader().with(ReadOnlyTrees.FACTORY).readTree("{\"v\":\"" + longText + "\"}");
        ObjectNode d = (ObjectNode) JSON.reader().with(ReadOnlyTrees.FACTORY).readTree("{\"v\":\"" + longText + "\"}");
        assertNotSame(c.get("v"), d.get("v"), "long values are not looked up");
        assertEquals(c, d);
    }

    @Test
    void aFactoryTreeBehavesAsAnOrdinaryOneUnderRandomChangesSmallAndBig() throws Exception {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 200; round++) {
            ObjectNode plain = JSON.createObjectNode();
            ObjectNode compact = ReadOnlyTrees.FACTORY.objectNode();
            for (int step = 0; step < 60; step++) {
                String key = "k" + random.nextInt(14); // crosses the small/big boundary both ways
                switch (random.nextInt(7)) {
                    case 0, 1, 2 -> {
                        plain.put(key, step);
                        compact.put(key, step);
                    }
                    case 3 -> assertEquals(plain.remove(key), compact.remove(key));
                    case 4 -> {
                        Iterator<Map.Entry<String, JsonNode>> p = plain.fields();
                        Iterator<Map.Entry<String, JsonNode>> c = compact.fields();
                        while (p.hasNext()) {
                            Map.Entry<String, JsonNode> pe = p.next();
                            Map.Entry<String, JsonNode> ce = c.next();
                            assertEquals(pe, ce);
                            if (pe.getKey().equals(key)) {
                                p.remove();
                                c.remove();
                            } else if (pe.getValue().asInt() % 3 == 0) {
                                pe.setValue(TextNode.valueOf("set"));
                                ce.setValue(TextNode.valueOf("set"));
                            }
                        }
                        assertFalse(c.hasNext());
                    }
                    case 5 -> {
                        plain.putObject(key).put("x", step);
                        compact.putObject(key).put("x", step);
                    }
                    default -> {
                        plain.retain(key, "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9");
                        compact.retain(key, "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9");
                    }
                }
                assertEquals(JSON.writeValueAsString(plain), JSON.writeValueAsString(compact), "round " + round);
                assertEquals(plain, compact);
                assertEquals(compact, plain);
                assertEquals(plain.hashCode(), compact.hashCode());
                assertEquals(plain.size(), compact.size());
                assertEquals(plain.has(key), compact.has(key));
            }
            ObjectNode frozen = ReadOnlyTrees.freezeOwned(compact);
            assertEquals(JSON.writeValueAsString(plain), JSON.writeValueAsString(frozen));
            assertThrows(UnsupportedOperationException.class, () -> frozen.put("k0", 1));
            assertThrows(UnsupportedOperationException.class, () -> frozen.removeAll());
            if (frozen.size() > 0) {
                assertThrows(UnsupportedOperationException.class, () -> removeFirst(frozen.fields()));
                assertThrows(UnsupportedOperationException.class,
                        () -> frozen.fields().next().setValue(TextNode.valueOf("v")));
            }
        }
    }
}
