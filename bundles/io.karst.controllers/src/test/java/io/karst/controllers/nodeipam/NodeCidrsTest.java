package io.karst.controllers.nodeipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class NodeCidrsTest {
    @Test
    void rangesAreHandedOutLowestFirstAndReusedOnceFreed() {
        NodeCidrs cidrs = new NodeCidrs("10.42.0.0/16", 24);
        assertEquals(256, cidrs.capacity());
        assertTrue(cidrs.occupy("10.42.0.0/24"));
        assertEquals(Optional.of("10.42.1.0/24"), cidrs.allocate());
        assertEquals(Optional.of("10.42.2.0/24"), cidrs.allocate());
        cidrs.release("10.42.1.0/24");
        assertEquals(Optional.of("10.42.1.0/24"), cidrs.allocate());
    }

    @Test
    void foreignRangesAreNotCounted() {
        NodeCidrs cidrs = new NodeCidrs("10.42.0.0/16", 24);
        assertFalse(cidrs.occupy("10.43.0.0/24"));
        assertFalse(cidrs.occupy("10.42.0.0/25"));
        assertFalse(cidrs.occupy("10.42.0.7/24"));
        assertFalse(cidrs.occupy("fd00::/64"));
        assertFalse(cidrs.occupy("nonsense"));
    }

    @Test
    void aFullClusterRangeHasNothingLeft() {
        NodeCidrs cidrs = new NodeCidrs("192.168.0.0/23", 24);
        assertEquals(Optional.of("192.168.0.0/24"), cidrs.allocate());
        assertEquals(Optional.of("192.168.1.0/24"), cidrs.allocate());
        assertEquals(Optional.empty(), cidrs.allocate());
    }

    @Test
    void aMaskShorterThanTheClusterIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new NodeCidrs("10.42.0.0/16", 8));
        assertThrows(IllegalArgumentException.class, () -> new NodeCidrs("example.com/16", 24));
    }
}
