package io.karst.controllers.nodeipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;

/** The node IPAM controller against the real resource API over SQLite. */
class NodeIpamControllerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    ResourceOperations nodes;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        nodes = api.client().resource(NodeIpamController.NODES);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private void node(String name, String podCidr) throws Exception {
        String spec = podCidr == null ? "{}" : "{\"podCIDR\":\"" + podCidr + "\",\"podCIDRs\":[\"" + podCidr + "\"]}";
        nodes.create((ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\""
                + name + "\"},\"spec\":" + spec + "}"));
    }

    private String podCidr(String name) {
        return nodes.get(name).path("spec").path("podCIDR").asText("");
    }

    @Test
    void everyNodeGetsItsOwnRangeAndExistingRangesAreKept() throws Exception {
        node("kept", "10.42.0.0/24");
        node("a", null);
        node("b", null);
        try (RunningController ipam = new RunningController(new NodeIpamController("10.42.0.0/16,fd42::/56", 24),
                api.client())) {
            node("c", null);
            eventually(() -> !podCidr("a").isEmpty() && !podCidr("b").isEmpty() && !podCidr("c").isEmpty());
            Set<String> ranges = new HashSet<>(Set.of(podCidr("a"), podCidr("b"), podCidr("c")));
            assertEquals(3, ranges.size(), "distinct ranges: " + ranges);
            assertTrue(ranges.stream().allMatch(r -> r.matches("10\\.42\\.[1-3]\\.0/24")), ranges.toString());
            assertEquals("10.42.0.0/24", podCidr("kept"));
            assertEquals(podCidr("a"), nodes.get("a").path("spec").path("podCIDRs").path(0).asText());

            // a deleted Node's range is free again (which range the next Node gets depends on whether the
            // controller saw the deletion first; NodeCidrsTest covers the reuse)
            nodes.delete("b");
            node("d", null);
            eventually(() -> !podCidr("d").isEmpty());
            assertTrue(!podCidr("d").equals(podCidr("a")) && !podCidr("d").equals(podCidr("c")), podCidr("d"));
        }
    }

    @Test
    void aNodeBeyondTheLastRangeGetsNone() throws Exception {
        try (RunningController ipam = new RunningController(new NodeIpamController("10.42.0.0/24", 25),
                api.client())) {
            node("a", null);
            node("b", null);
            eventually(() -> !podCidr("a").isEmpty() && !podCidr("b").isEmpty());
            node("c", null);
            Thread.sleep(500);
            assertEquals("", podCidr("c"));
        }
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(20);
        }
    }
}
