package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;

/** Two API servers on one datastore keeping the kubernetes Service's endpoints, as upstream's lease reconciler. */
class KubernetesEndpointsTest {
    @TempDir
    Path dir;
    LogStructuredStore store;
    ScheduledExecutorService timers;
    ResourceStack stack;
    ResourceOperations endpoints;
    ResourceOperations slices;

    @BeforeEach
    void start() {
        store = SqliteStore.openInDataDir(dir, SqliteSync.NORMAL, StoreSettings.defaults());
        timers = Executors.newScheduledThreadPool(2);
        stack = new ResourceStack(() -> store, "10.43.0.0/16", "30000-32767", timers, Clock.systemUTC());
        stack.bootstrap("10.43.0.1", 6443);
        endpoints = stack.client().resource(new ResourceKey("", "v1", "endpoints")).inNamespace("default");
        slices = stack.client().resource(new ResourceKey("discovery.k8s.io", "v1", "endpointslices"))
                .inNamespace("default");
    }

    @AfterEach
    void stop() {
        stack.close();
        timers.shutdownNow();
        store.close();
    }

    @Test
    void everyRunningServerIsListedOnceAndAStoppedOneIsTakenOutAtOnce() throws Exception {
        try (KubernetesEndpoints first = endpointsOf("192.0.2.10");
                KubernetesEndpoints second = endpointsOf("192.0.2.11")) {
            first.reconcile();
            second.reconcile();
            first.reconcile();
            assertEquals(List.of("192.0.2.10", "192.0.2.11"), addresses());
            ObjectNode ep = endpoints.get("kubernetes");
            assertEquals("true", ep.path("metadata").path("labels").path("endpointslice.kubernetes.io/skip-mirror")
                    .asText());
            JsonNode port = ep.path("subsets").get(0).path("ports").get(0);
            assertEquals("https", port.path("name").asText());
            assertEquals(6443, port.path("port").asInt());
            ObjectNode slice = slices.get("kubernetes");
            assertEquals("kubernetes", slice.path("metadata").path("labels").path("kubernetes.io/service-name")
                    .asText());
            assertEquals("IPv4", slice.path("addressType").asText());
            assertEquals(2, slice.path("endpoints").size());

            String version = endpoints.get("kubernetes").path("metadata").path("resourceVersion").asText();
            String sliceVersion = slices.get("kubernetes").path("metadata").path("resourceVersion").asText();
            first.reconcile();
            second.reconcile();
            assertEquals(version, endpoints.get("kubernetes").path("metadata").path("resourceVersion").asText(),
                    "nothing changed, nothing written");
            assertEquals(sliceVersion, slices.get("kubernetes").path("metadata").path("resourceVersion").asText());

            second.close();
            assertEquals(List.of("192.0.2.10"), addresses());
            assertEquals(1, slices.get("kubernetes").path("endpoints").size());
        }
    }

    @Test
    void aServerThatStopsRenewingDropsOutWhenItsLeaseExpires() throws Exception {
        ScheduledExecutorService dying = Executors.newSingleThreadScheduledExecutor();
        KubernetesEndpoints silent = new KubernetesEndpoints(() -> store, stack.client(), "192.0.2.20", 6443, dying,
                1, 3600);
        try (KubernetesEndpoints alive = endpointsOf("192.0.2.21")) {
            silent.reconcile();
            alive.reconcile();
            assertEquals(List.of("192.0.2.20", "192.0.2.21"), addresses());
            dying.shutdownNow(); // it never renews or says goodbye, as a killed server
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (addresses().size() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                alive.reconcile();
            }
            assertEquals(List.of("192.0.2.21"), addresses());
        }
    }

    private KubernetesEndpoints endpointsOf(String address) {
        // A long interval: the test calls reconcile itself.
        return new KubernetesEndpoints(() -> store, stack.client(), address, 6443, timers, 15, 3600);
    }

    private List<String> addresses() {
        List<String> out = new ArrayList<>();
        JsonNode subsets = endpoints.get("kubernetes").path("subsets");
        for (JsonNode subset : subsets) {
            subset.path("addresses").forEach(a -> out.add(a.path("ip").asText()));
        }
        assertTrue(subsets.size() <= 1, subsets::toString);
        return out;
    }
}
