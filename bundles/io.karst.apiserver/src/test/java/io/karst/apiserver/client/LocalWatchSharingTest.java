package io.karst.apiserver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceException;
import io.karst.api.client.Watcher;
import io.karst.apiserver.endpoint.WatchFrame;
import io.karst.client.informers.ReadOnlyTrees;

/**
 * An in-process watch hands the watch cache's (frozen) objects to its watcher as they are, with no copy per
 * watcher, and anything else as a read-only copy: every in-process watcher sees read-only trees.
 */
class LocalWatchSharingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG_MAP = "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\","
            + "\"labels\":{\"x\":\"1\"},\"managedFields\":[{\"manager\":\"m\",\"fieldsV1\":{\"f:data\":{}}}],"
            + "\"uid\":\"u\"},\"data\":{\"k\":\"v\"}}";

    private static List<ResourceEvent> watch(WatchFrame... frames) {
        List<ResourceEvent> seen = new ArrayList<>();
        LocalWatch watch = new LocalWatch(new Watcher() {
            @Override
            public void onEvent(ResourceEvent event) {
                seen.add(event);
            }

            @Override
            public void onClose(ResourceException cause) {
            }
        }, Runnable::run, 10, w -> {
        });
        for (WatchFrame frame : frames) {
            assertTrue(watch.write(frame));
        }
        return seen;
    }

    @Test
    void twoWatchersGetTheCachesFrozenObjectItselfAndCannotChangeIt() throws Exception {
        ObjectNode cached = ReadOnlyTrees.freezeOwned(
                (ObjectNode) JSON.reader().with(ReadOnlyTrees.FACTORY).readTree(CONFIG_MAP));
        ObjectNode first = watch(new WatchFrame("ADDED", cached)).get(0).object();
        ObjectNode second = watch(new WatchFrame("ADDED", cached)).get(0).object();
        assertSame(cached, first);
        assertSame(cached, second);
        assertThrows(UnsupportedOperationException.class, () -> ((ObjectNode) first.get("data")).put("k", "x"));
        assertThrows(UnsupportedOperationException.class, () -> first.with("metadata").remove("labels"));
        ObjectNode mine = first.deepCopy();
        ((ObjectNode) mine.get("data")).put("k", "changed");
        assertEquals("v", cached.at("/data/k").asText());
    }

    @Test
    void anObjectNotFromTheCacheIsHandedAsAReadOnlyCopyAndTheWritersTreeIsLeftAlone() throws Exception {
        ObjectNode converted = (ObjectNode) JSON.readTree(CONFIG_MAP);
        ObjectNode seen = watch(new WatchFrame("MODIFIED", converted)).get(0).object();
        assertNotSame(converted, seen);
        assertEquals(JSON.writeValueAsString(converted), JSON.writeValueAsString(seen));
        assertTrue(ReadOnlyTrees.isFrozen(seen));
        assertTrue(ReadOnlyTrees.isFrozen(seen.at("/metadata/managedFields/0/fieldsV1")));
        converted.put("kind", "Changed");
        assertEquals("ConfigMap", seen.get("kind").asText());
        assertFalse(ReadOnlyTrees.isFrozen(converted));
    }
}
