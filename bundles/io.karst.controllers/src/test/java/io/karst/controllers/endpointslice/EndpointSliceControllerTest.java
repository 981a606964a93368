package io.karst.controllers.endpointslice;

import static io.karst.controllers.endpointutil.Cluster.await;
import static io.karst.controllers.endpointutil.Cluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.ListOptions;
import io.karst.api.client.PatchTypes;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;
import io.karst.controllers.endpointutil.Cluster;
import io.karst.controllers.gc.GarbageCollector;

/**
 * The EndpointSlice controller (with the garbage collector, which deletes slices with their Service) against the
 * real resource API; the test plays the kubelet by writing pod status.
 */
class EndpointSliceControllerTest {
    @TempDir
    Path dir;
    InProcessApi api;
    RunningController controller;
    RunningController collector;
    Cluster cluster;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        cluster = new Cluster(api.client());
        cluster.node("node-a", "zone-a");
        cluster.node("node-b", "zone-b");
        controller = new RunningController(new EndpointSliceController(), api.client());
        collector = new RunningController(new GarbageCollector(), api.client());
    }

    @AfterEach
    void stop() {
        collector.close();
        controller.close();
        api.close();
    }

    private List<ObjectNode> slicesOf(String service) {
        return cluster.slices.list(ListOptions.NONE.withLabelSelector("kubernetes.io/service-name=" + service))
                .items();
    }

    private List<ObjectNode> slicesOf(String service, String addressType) {
        return slicesOf(service).stream().filter(s -> s.path("addressType").asText().equals(addressType)).toList();
    }

    /** pod name -> endpoint, over every IPv4 slice of the service */
    private Map<String, JsonNode> endpointsOf(String service) {
        Map<String, JsonNode> result = new HashMap<>();
        for (ObjectNode slice : slicesOf(service, "IPv4")) {
            for (JsonNode e : slice.path("endpoints")) {
                result.put(e.path("targetRef").path("name").asText(), e);
            }
        }
        return result;
    }

    private static String conditions(JsonNode endpoint) {
        JsonNode c = endpoint.path("conditions");
        return "ready=" + c.path("ready").asBoolean() + ",serving=" + c.path("serving").asBoolean()
                + ",terminating=" + c.path("terminating").asBoolean();
    }

    private boolean showsConditions(String service, Map<String, String> expected) {
        Map<String, JsonNode> endpoints = endpointsOf(service);
        if (!endpoints.keySet().equals(expected.keySet())) {
            return false;
        }
        return expected.entrySet().stream().allMatch(e -> conditions(endpoints.get(e.getKey())).equals(e.getValue()));
    }

    @Test
    void aSliceListsEachPodWithUpstreamConditionsNodeAndZone() throws Exception {
        ObjectNode service = cluster.service("web", "web", "'ports':[{'name':'http','port':80,'targetPort':8080,"
                + "'appProtocol':'http'}]");
        cluster.pod("ready", "web", "node-a", "");
        cluster.pod("unready", "web", "node-b", "");
        cluster.pod("leaving", "web", "node-a", "");
        cluster.pod("pending", "web", "node-a", "");
        cluster.running("ready", "10.42.0.1", true);
        cluster.running("unready", "10.42.0.2", false);
        cluster.running("leaving", "10.42.0.3", true);
        cluster.terminate("leaving");
        await("three endpoints", () -> showsConditions("web", Map.of(
                "ready", "ready=true,serving=true,terminating=false",
                "unready", "ready=false,serving=false,terminating=false",
                "leaving", "ready=false,serving=true,terminating=true")));

        List<ObjectNode> slices = slicesOf("web");
        assertEquals(1, slices.size(), slices.toString());
        ObjectNode slice = slices.get(0);
        JsonNode meta = slice.path("metadata");
        assertTrue(meta.path("name").asText().startsWith("web-"));
        assertEquals("web-", meta.path("generateName").asText());
        assertEquals("endpointslice-controller.k8s.io",
                meta.path("labels").path("endpointslice.kubernetes.io/managed-by").asText());
        assertFalse(meta.path("labels").has("service.kubernetes.io/headless"));
        JsonNode owner = meta.path("ownerReferences").get(0);
        assertEquals("Service", owner.path("kind").asText());
        assertEquals(service.path("metadata").path("uid").asText(), owner.path("uid").asText());
        assertTrue(owner.path("controller").asBoolean());
        assertEquals("IPv4", slice.path("addressType").asText());
        assertEquals(Cluster.tree("[{'name':'http','port':8080,'protocol':'TCP','appProtocol':'http'}]"),
                slice.get("ports"));
        JsonNode ready = endpointsOf("web").get("ready");
        assertEquals(Cluster.tree("['10.42.0.1']"), ready.get("addresses"));
        assertEquals("node-a", ready.path("nodeName").asText());
        assertEquals("zone-a", ready.path("zone").asText());
        assertEquals("zone-b", endpointsOf("web").get("unready").path("zone").asText());
        assertEquals("Pod", ready.path("targetRef").path("kind").asText());
        assertEquals("default", ready.path("targetRef").path("namespace").asText());
        assertFalse(ready.path("targetRef").path("uid").asText().isEmpty());

        // settled: no update loop
        String settled = slicesOf("web").get(0).path("metadata").path("resourceVersion").asText();
        Thread.sleep(1500);
        assertEquals(settled, slicesOf("web").get(0).path("metadata").path("resourceVersion").asText());
    }

    @Test
    void namedTargetPortsGiveOneSlicePerPortSet() throws Exception {
        cluster.service("api", "api", "'ports':[{'name':'web','port':80,'targetPort':'http'}]");
        cluster.pod("p8080", "api", "node-a", "{'name':'http','containerPort':8080}");
        cluster.pod("p9090", "api", "node-a", "{'name':'http','containerPort':9090}");
        cluster.pod("unnamed", "api", "node-a", "{'containerPort':8080}");
        cluster.running("p8080", "10.42.1.1", true);
        cluster.running("p9090", "10.42.1.2", true);
        cluster.running("unnamed", "10.42.1.3", true);
        await("three port sets", () -> endpointsOf("api").size() == 3 && slicesOf("api").size() == 3);
        Map<String, String> portsByPod = new HashMap<>();
        for (ObjectNode slice : slicesOf("api")) {
            for (JsonNode e : slice.path("endpoints")) {
                portsByPod.put(e.path("targetRef").path("name").asText(), slice.path("ports").toString());
            }
        }
        assertEquals("[{\"name\":\"web\",\"port\":8080,\"protocol\":\"TCP\"}]", portsByPod.get("p8080"));
        assertEquals("[{\"name\":\"web\",\"port\":9090,\"protocol\":\"TCP\"}]", portsByPod.get("p9090"));
        assertEquals("[]", portsByPod.get("unnamed"), "a pod without the named port serves no port");
    }

    @Test
    void headlessServicesPublishHostnamesAndNotReadyPodsWhenAsked() throws Exception {
        cluster.service("db", "db", "'clusterIP':'None','publishNotReadyAddresses':true");
        cluster.pod("db-0", "db", "node-a", "", "'hostname':'db-0','subdomain':'db',");
        cluster.running("db-0", "10.42.2.1", false);
        await("published though not ready", () -> showsConditions("db", Map.of(
                "db-0", "ready=true,serving=false,terminating=false")));
        ObjectNode slice = slicesOf("db", "IPv4").get(0);
        assertEquals("", slice.path("metadata").path("labels").path("service.kubernetes.io/headless").asText("x"));
        assertEquals("db-0", slice.path("endpoints").get(0).path("hostname").asText());
        assertTrue(slice.path("ports").isEmpty());
        // with publishNotReadyAddresses a terminating pod stays ready
        cluster.terminate("db-0");
        await("terminating but published", () -> showsConditions("db", Map.of(
                "db-0", "ready=true,serving=false,terminating=true")));
    }

    @Test
    void podsOnAMissingNodeAreLeftOutUntilItExists() throws Exception {
        cluster.service("web", "web", "'ports':[{'port':80}]");
        cluster.pod("here", "web", "node-a", "");
        cluster.pod("nowhere", "web", "node-x", "");
        cluster.running("here", "10.42.6.1", true);
        cluster.running("nowhere", "10.42.6.2", true);
        await("only the pod with a node", () -> endpointsOf("web").keySet().equals(Set.of("here")));
        cluster.node("node-x", "zone-x");
        // the Service is retried with backoff until the Node appears
        await("the pod joins once its node exists", () -> endpointsOf("web").keySet()
                .equals(Set.of("here", "nowhere")));
        assertEquals("zone-x", endpointsOf("web").get("nowhere").path("zone").asText());
    }

    @Test
    void moreThanAHundredEndpointsSpreadOverSlicesThatAreUpdatedInPlace() throws Exception {
        cluster.service("big", "big", "'ports':[{'port':80}]");
        for (int i = 0; i < 250; i++) {
            cluster.pod("p" + i, "big", i % 2 == 0 ? "node-a" : "node-b", "");
            cluster.running("p" + i, "10.42." + (10 + i / 200) + "." + (i % 200 + 1), true);
        }
        await("250 endpoints", () -> endpointsOf("big").size() == 250);
        List<ObjectNode> slices = slicesOf("big");
        List<Integer> sizes = new ArrayList<>(slices.stream().map(s -> s.path("endpoints").size()).sorted().toList());
        // as few slices as fit, none over 100; how the 250 split depends on the batches the pods arrived in
        assertEquals(3, sizes.size(), sizes::toString);
        assertTrue(sizes.stream().allMatch(n -> n <= 100), sizes::toString);
        Map<String, String> versions = new HashMap<>();
        String holder = null;
        for (ObjectNode s : slices) {
            versions.put(s.path("metadata").path("name").asText(), s.path("metadata").path("resourceVersion").asText());
            for (JsonNode e : s.path("endpoints")) {
                if (e.path("targetRef").path("name").asText().equals("p7")) {
                    holder = s.path("metadata").path("name").asText();
                }
            }
        }
        // one pod turns unready: only its slice changes, in place
        cluster.running("p7", "10.42.10.8", false);
        await("p7 not ready", () -> !endpointsOf("big").get("p7").path("conditions").path("ready").asBoolean());
        for (ObjectNode s : slicesOf("big")) {
            String name = s.path("metadata").path("name").asText();
            assertTrue(versions.containsKey(name), "no slice replaced: " + name);
            boolean changed = !versions.get(name).equals(s.path("metadata").path("resourceVersion").asText());
            assertEquals(name.equals(holder), changed, name + " changed: " + changed);
        }
        // deleting pods empties slices without creating new ones
        for (int i = 0; i < 120; i++) {
            cluster.pods.delete("p" + i, DeleteOptions.NONE.withGracePeriodSeconds(0L));
        }
        await("130 endpoints", () -> endpointsOf("big").size() == 130);
        for (ObjectNode s : slicesOf("big")) {
            assertTrue(versions.containsKey(s.path("metadata").path("name").asText()));
        }
    }

    @Test
    void aSelectorChangeMovesTheEndpoints() throws Exception {
        cluster.service("svc", "blue", "'ports':[{'port':80}]");
        cluster.pod("blue", "blue", "node-a", "");
        cluster.pod("green", "green", "node-a", "");
        cluster.running("blue", "10.42.4.1", true);
        cluster.running("green", "10.42.4.2", true);
        await("blue", () -> endpointsOf("svc").keySet().equals(Set.of("blue")));
        String slice = slicesOf("svc").get(0).path("metadata").path("name").asText();
        cluster.services.patch("svc", PatchTypes.MERGE_PATCH,
                json("{'metadata':{'labels':{'tier':'front'}},'spec':{'selector':{'app':'green'}}}"));
        await("green", () -> endpointsOf("svc").keySet().equals(Set.of("green")));
        await("labels copied", () -> slicesOf("svc").get(0).path("metadata").path("labels").path("tier").asText()
                .equals("front"));
        assertEquals(slice, slicesOf("svc").get(0).path("metadata").path("name").asText(), "reused in place");
    }

    @Test
    void noPodsLeaveOnePlaceholderAndADeletedSliceComesBack() throws Exception {
        ObjectNode service = cluster.service("empty", "nothing", "'ports':[{'port':80}]");
        await("placeholder", () -> slicesOf("empty").size() == 1);
        ObjectNode placeholder = slicesOf("empty").get(0);
        assertTrue(placeholder.path("endpoints").isEmpty());
        assertEquals(service.path("metadata").path("creationTimestamp").asText(), placeholder.path("metadata")
                .path("annotations").path("endpoints.kubernetes.io/last-change-trigger-time").asText(),
                "the first sync of a Service reports its creation as the trigger");
        cluster.slices.delete(placeholder.path("metadata").path("name").asText());
        await("recreated", () -> slicesOf("empty").size() == 1 && !slicesOf("empty").get(0).path("metadata")
                .path("name").equals(placeholder.path("metadata").path("name")));
    }

    @Test
    void slicesGoWithTheServiceAndServicesWithoutSelectorGetNone() throws Exception {
        cluster.service("web", "web", "'ports':[{'port':80}]");
        cluster.pod("a", "web", "node-a", "");
        cluster.running("a", "10.42.5.1", true);
        await("slice", () -> endpointsOf("web").size() == 1);
        cluster.services.delete("web");
        await("slices deleted with the service", () -> slicesOf("web").isEmpty());

        cluster.service("manual", null, "'ports':[{'port':80}]");
        Thread.sleep(1200);
        assertTrue(slicesOf("manual").isEmpty(), "a Service without selector gets no slices from this controller");
    }
}
