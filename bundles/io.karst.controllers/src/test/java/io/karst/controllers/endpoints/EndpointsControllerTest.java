package io.karst.controllers.endpoints;

import static io.karst.controllers.endpointutil.Cluster.await;
import static io.karst.controllers.endpointutil.Cluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.PatchTypes;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;
import io.karst.controllers.endpointutil.Cluster;

/** The Endpoints controller against the real resource API; the test plays the kubelet by writing pod status. */
class EndpointsControllerTest {
    @TempDir
    Path dir;
    InProcessApi api;
    RunningController controller;
    Cluster cluster;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        cluster = new Cluster(api.client());
        controller = new RunningController(new EndpointsController(), api.client());
    }

    @AfterEach
    void stop() {
        controller.close();
        api.close();
    }

    private Optional<ObjectNode> endpoints(String name) {
        return cluster.endpoints.find(name);
    }

    /** "ip" of each address of each subset's list {@code kind}, in order. */
    private static List<String> ips(JsonNode ep, String kind) {
        List<String> ips = new ArrayList<>();
        for (JsonNode subset : ep.path("subsets")) {
            for (JsonNode a : subset.path(kind)) {
                ips.add(a.path("ip").asText());
            }
        }
        return ips;
    }

    private boolean endpointsShow(String name, List<String> ready, List<String> notReady) {
        return endpoints(name).map(ep -> ips(ep, "addresses").equals(ready)
                && ips(ep, "notReadyAddresses").equals(notReady)).orElse(false);
    }

    @Test
    void readyPodsAreAddressesAndOthersNotReadyAddresses() throws Exception {
        ObjectNode service = cluster.service("web", "web", "'ports':[{'name':'http','port':80,'targetPort':8080,"
                + "'appProtocol':'http'}]");
        await("endpoints of the new Service", () -> endpoints("web").isPresent());
        assertEquals(service.path("metadata").path("creationTimestamp").asText(), endpoints("web").orElseThrow()
                .path("metadata").path("annotations").path("endpoints.kubernetes.io/last-change-trigger-time")
                .asText(), "the first sync of a Service reports its creation as the trigger");
        ObjectNode a = cluster.pod("a", "web", "node-1", "");
        cluster.pod("b", "web", "node-1", "");
        cluster.pod("no-ip", "web", "node-1", "");
        cluster.pod("other", "db", "node-1", "");
        cluster.running("a", "10.42.0.10", true);
        cluster.running("b", "10.42.0.11", false);
        cluster.running("other", "10.42.0.12", true);
        await("a ready, b not", () -> endpointsShow("web", List.of("10.42.0.10"), List.of("10.42.0.11")));

        ObjectNode ep = endpoints("web").orElseThrow();
        JsonNode subset = ep.path("subsets").get(0);
        assertEquals(1, ep.path("subsets").size(), "one port set, one subset");
        assertEquals(Cluster.tree("[{'name':'http','port':8080,'protocol':'TCP','appProtocol':'http'}]"),
                subset.get("ports"));
        JsonNode address = subset.path("addresses").get(0);
        assertEquals("node-1", address.path("nodeName").asText());
        assertEquals(json("{'kind':'Pod','namespace':'default','name':'a','uid':'"
                + a.path("metadata").path("uid").asText() + "'}"), address.get("targetRef"));
        assertFalse(address.has("hostname"));
        assertFalse(ep.path("metadata").path("labels").has("service.kubernetes.io/headless"));
        assertEquals("endpoint-controller", ep.path("metadata").path("labels")
                .path("endpoints.kubernetes.io/managed-by").asText());
        cluster.running("b", "10.42.0.11", true);
        await("both ready", () -> endpointsShow("web", List.of("10.42.0.10", "10.42.0.11"), List.of()));
        // settled: no update loop
        String settled = endpoints("web").orElseThrow().path("metadata").path("resourceVersion").asText();
        Thread.sleep(400);
        assertEquals(settled, endpoints("web").orElseThrow().path("metadata").path("resourceVersion").asText());
    }

    @Test
    void namedTargetPortsResolvePerPodAndSplitPortSets() throws Exception {
        cluster.service("api", "api", "'ports':[{'name':'web','port':80,'targetPort':'http'},"
                + "{'name':'metrics','port':9100,'targetPort':9100}]");
        cluster.pod("p8080", "api", "n", "{'name':'http','containerPort':8080}");
        cluster.pod("p9090", "api", "n", "{'name':'http','containerPort':9090}");
        cluster.pod("unnamed", "api", "n", "{'containerPort':8080}");
        cluster.running("p8080", "10.42.1.1", true);
        cluster.running("p9090", "10.42.1.2", true);
        cluster.running("unnamed", "10.42.1.3", true);
        // repacked as upstream does: each port with the exact set of addresses serving it
        List<String> expected = List.of("[10.42.1.1, 10.42.1.2, 10.42.1.3]=[metrics:9100]", "[10.42.1.1]=[web:8080]",
                "[10.42.1.2]=[web:9090]");
        // the pods arrive one by one, so earlier (smaller) forms of the subsets come first
        await("the three subsets of all three pods", () -> subsetsOf("api").equals(expected));
        assertEquals(expected, subsetsOf("api"),
                "the pod without a port named http serves only the numeric target port");
    }

    @Test
    void headlessServicesPublishHostnamesAndNotReadyPodsWhenAsked() throws Exception {
        cluster.service("db", "db", "'clusterIP':'None','publishNotReadyAddresses':true");
        cluster.pod("db-0", "db", "n", "", "'hostname':'db-0','subdomain':'db',");
        cluster.pod("db-1", "db", "n", "", "'hostname':'db-1','subdomain':'elsewhere',");
        cluster.running("db-0", "10.42.2.1", false);
        cluster.running("db-1", "10.42.2.2", false);
        await("not ready pods published", () -> endpointsShow("db", List.of("10.42.2.1", "10.42.2.2"), List.of()));
        ObjectNode ep = endpoints("db").orElseThrow();
        JsonNode subset = ep.path("subsets").get(0);
        assertFalse(subset.has("ports"), "a headless Service without ports has port-less subsets");
        assertEquals("db-0", subset.path("addresses").get(0).path("hostname").asText());
        assertFalse(subset.path("addresses").get(1).has("hostname"), "subdomain names another service");
        assertEquals("", ep.path("metadata").path("labels").path("service.kubernetes.io/headless").asText("x"));
        // publishNotReadyAddresses keeps terminating pods too
        cluster.terminate("db-1");
        Thread.sleep(300);
        assertTrue(endpointsShow("db", List.of("10.42.2.1", "10.42.2.2"), List.of()));
    }

    @Test
    void terminatingAndDeletedPodsLeave() throws Exception {
        cluster.service("web", "web", "'ports':[{'port':80}]");
        for (String p : List.of("a", "b", "c")) {
            cluster.pod(p, "web", "n", "");
        }
        cluster.running("a", "10.42.3.1", true);
        cluster.running("b", "10.42.3.2", true);
        cluster.running("c", "10.42.3.3", true);
        await("three", () -> endpointsShow("web", List.of("10.42.3.1", "10.42.3.2", "10.42.3.3"), List.of()));
        cluster.terminate("b");
        await("terminating pod left", () -> endpointsShow("web", List.of("10.42.3.1", "10.42.3.3"), List.of()));
        cluster.pods.delete("c", DeleteOptions.NONE.withGracePeriodSeconds(0L));
        await("deleted pod left", () -> endpointsShow("web", List.of("10.42.3.1"), List.of()));
        cluster.pods.delete("a", DeleteOptions.NONE.withGracePeriodSeconds(0L));
        await("no pods, no subsets", () -> endpoints("web").map(ep -> ep.path("subsets").isEmpty()).orElse(false));
    }

    @Test
    void aSelectorChangeMovesTheEndpointsAndLabelsFollowTheService() throws Exception {
        cluster.service("svc", "blue", "'ports':[{'port':80}]");
        cluster.pod("blue", "blue", "n", "");
        cluster.pod("green", "green", "n", "");
        cluster.running("blue", "10.42.4.1", true);
        cluster.running("green", "10.42.4.2", true);
        await("blue", () -> endpointsShow("svc", List.of("10.42.4.1"), List.of()));
        cluster.services.patch("svc", PatchTypes.MERGE_PATCH,
                json("{'metadata':{'labels':{'tier':'front'}},'spec':{'selector':{'app':'green'}}}"));
        await("green", () -> endpointsShow("svc", List.of("10.42.4.2"), List.of()));
        await("labels copied", () -> endpoints("svc").orElseThrow().path("metadata").path("labels").path("tier")
                .asText().equals("front"));
        // a pod relabelled into the selector joins
        cluster.pods.patch("blue", PatchTypes.MERGE_PATCH, json("{'metadata':{'labels':{'app':'green'}}}"));
        await("relabelled pod", () -> endpointsShow("svc", List.of("10.42.4.1", "10.42.4.2"), List.of()));
    }

    @Test
    void deletingTheServiceDeletesItsEndpointsAndUserEndpointsAreLeftAlone() throws Exception {
        cluster.service("web", "web", "'ports':[{'port':80}]");
        await("created", () -> endpoints("web").isPresent());
        cluster.services.delete("web");
        await("deleted with the service", () -> endpoints("web").isEmpty());

        cluster.service("external", null, "'ports':[{'port':5432}]");
        ObjectNode manual = json("{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'external'},"
                + "'subsets':[{'addresses':[{'ip':'192.168.7.7'}],'ports':[{'port':5432}]}]}");
        String rv = cluster.endpoints.create(manual).path("metadata").path("resourceVersion").asText();
        cluster.pod("x", "web", "n", "");
        cluster.running("x", "10.42.5.1", true);
        Thread.sleep(500);
        ObjectNode kept = endpoints("external").orElseThrow();
        assertEquals(rv, kept.path("metadata").path("resourceVersion").asText());
        assertEquals("192.168.7.7", kept.path("subsets").get(0).path("addresses").get(0).path("ip").asText());
    }

    @Test
    void moreThanAThousandAddressesAreTruncatedAndMarked() throws Exception {
        cluster.service("huge", "huge", "'ports':[{'port':80}]");
        for (int i = 0; i < 1001; i++) {
            cluster.pod("p" + i, "huge", "n", "");
            cluster.running("p" + i, "10.42." + (20 + i / 250) + "." + (i % 250 + 1), true);
        }
        await("truncated", () -> endpoints("huge").map(ep -> ep.path("metadata").path("annotations")
                .path("endpoints.kubernetes.io/over-capacity").asText().equals("truncated")
                && ips(ep, "addresses").size() == 1000).orElse(false));
        cluster.pods.delete("p0", DeleteOptions.NONE.withGracePeriodSeconds(0L));
        await("back under capacity, unmarked", () -> endpoints("huge").map(ep -> !ep.path("metadata")
                .path("annotations").has("endpoints.kubernetes.io/over-capacity")
                && ips(ep, "addresses").size() == 1000).orElse(false));
    }

    @Test
    void externalNameServicesGetNoEndpoints() throws Exception {
        cluster.service("ext", "web", "'type':'ExternalName','externalName':'db.example.com'");
        cluster.service("probe", "web", "'ports':[{'port':80}]");
        cluster.pod("a", "web", "n", "");
        cluster.running("a", "10.42.6.1", true);
        await("the other Service's endpoints", () -> endpointsShow("probe", List.of("10.42.6.1"), List.of()));
        assertTrue(endpoints("ext").isEmpty());
    }

    @Test
    void endpointsItMadeForAVanishedServiceAreDeletedAtStart() throws Exception {
        controller.close();
        cluster.endpoints.create(json("{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'gone',"
                + "'labels':{'endpoints.kubernetes.io/managed-by':'endpoint-controller'}}}"));
        cluster.endpoints.create(json("{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'users'}}"));
        cluster.endpoints.create(json("{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'lock',"
                + "'annotations':{'control-plane.alpha.kubernetes.io/leader':'{}'}}}"));
        controller = new RunningController(new EndpointsController(), api.client());
        await("leftover deleted", () -> endpoints("gone").isEmpty());
        assertTrue(endpoints("lock").isPresent(), "leader-election records stay");
        assertTrue(endpoints("users").isPresent(), "only the controller's own Endpoints count as leftovers");
    }

    /** "[addresses]=[name:port, ...]" per subset, sorted. */
    private List<String> subsetsOf(String service) {
        Optional<ObjectNode> ep = endpoints(service);
        if (ep.isEmpty()) {
            return List.of();
        }
        List<String> seen = new ArrayList<>();
        for (JsonNode subset : ep.get().path("subsets")) {
            List<String> ports = new ArrayList<>();
            subset.path("ports").forEach(p -> ports.add(p.path("name").asText() + ":" + p.path("port").asInt()));
            seen.add(ips(json("{'subsets':[" + subset + "]}"), "addresses") + "=" + ports);
        }
        return seen.stream().sorted().toList();
    }
}
