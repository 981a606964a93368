package io.karst.controllers.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Repacking and the 1000-address truncation of Endpoints subsets. */
class SubsetsTest {

    private static ObjectNode single(String ip, String uid, int port, boolean ready) {
        ObjectNode subset = JsonNodeFactory.instance.objectNode();
        ObjectNode address = subset.putArray(ready ? "addresses" : "notReadyAddresses").addObject();
        address.put("ip", ip);
        address.putObject("targetRef").put("uid", uid);
        subset.putArray("ports").addObject().put("port", port).put("protocol", "TCP");
        return subset;
    }

    /** A repacked subset list with {@code ready} and {@code notReady} addresses spread over two port sets. */
    private static ArrayNode twoPortSets(int ready, int notReady) {
        List<ObjectNode> all = new ArrayList<>();
        for (int i = 0; i < ready + notReady; i++) {
            String ip = "10.42." + (i / 250) + "." + (i % 250 + 1);
            all.add(single(ip, "u" + i, i % 3 == 0 ? 80 : 8080, i < ready));
        }
        return Subsets.repack(all);
    }

    private static int count(ArrayNode subsets, String kind) {
        int n = 0;
        for (var s : subsets) {
            n += s.path(kind).size();
        }
        return n;
    }

    @Test
    void notReadyTrumpsReadyForTheSamePortAndAddressesAreSorted() {
        ArrayNode packed = Subsets.repack(List.of(single("10.42.0.9", "b", 80, true),
                single("10.42.0.2", "a", 80, true), single("10.42.0.9", "b", 80, false)));
        assertEquals(1, packed.size());
        assertEquals("10.42.0.2", packed.get(0).path("addresses").get(0).path("ip").asText());
        assertEquals(1, packed.get(0).path("addresses").size());
        assertEquals("10.42.0.9", packed.get(0).path("notReadyAddresses").get(0).path("ip").asText());
    }

    @Test
    void underCapacityNothingIsCut() {
        ArrayNode subsets = twoPortSets(600, 400);
        assertFalse(Subsets.truncate(subsets, 1000));
        assertEquals(600, count(subsets, "addresses"));
        assertEquals(400, count(subsets, "notReadyAddresses"));
    }

    @Test
    void notReadyAddressesAreCutFirst() {
        ArrayNode subsets = twoPortSets(900, 300);
        assertTrue(Subsets.truncate(subsets, 1000));
        assertEquals(900, count(subsets, "addresses"));
        assertEquals(100, count(subsets, "notReadyAddresses"));
    }

    @Test
    void tooManyReadyAddressesAreCutProportionallyAndNotReadyOnesDropped() {
        ArrayNode subsets = twoPortSets(1500, 10);
        assertTrue(Subsets.truncate(subsets, 1000));
        assertEquals(1000, count(subsets, "addresses"));
        assertEquals(0, count(subsets, "notReadyAddresses"));
        for (var s : subsets) {
            // one third of the pods serve port 80, two thirds 8080: the shares keep that proportion
            int share = s.path("addresses").size();
            int port = s.path("ports").get(0).path("port").asInt();
            assertTrue(port == 80 ? Math.abs(share - 334) <= 1 : Math.abs(share - 666) <= 1, port + ": " + share);
        }
    }
}
