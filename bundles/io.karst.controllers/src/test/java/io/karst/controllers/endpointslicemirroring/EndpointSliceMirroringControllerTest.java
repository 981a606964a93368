package io.karst.controllers.endpointslicemirroring;

import static io.karst.controllers.endpointutil.Cluster.await;
import static io.karst.controllers.endpointutil.Cluster.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ListOptions;
import io.karst.api.client.PatchTypes;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;
import io.karst.controllers.endpointutil.Cluster;

/** The EndpointSlice mirroring controller against the real resource API. */
class EndpointSliceMirroringControllerTest {
    @TempDir
    Path dir;
    InProcessApi api;
    RunningController controller;
    Cluster cluster;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        cluster = new Cluster(api.client());
        controller = new RunningController(new EndpointSliceMirroringController(), api.client());
    }

    @AfterEach
    void stop() {
        controller.close();
        api.close();
    }

    private List<ObjectNode> mirrored(String name) {
        return cluster.slices.list(ListOptions.NONE.withLabelSelector("kubernetes.io/service-name=" + name
                + ",endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io")).items();
    }

    private ObjectNode sliceWithPort(String name, String addressType, int port) {
        return mirrored(name).stream().filter(s -> s.path("addressType").asText().equals(addressType))
                .filter(s -> s.path("ports").path(0).path("port").asInt() == port).findFirst().orElseThrow();
    }

    private static String ips(JsonNode slice) {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : slice.path("endpoints")) {
            b.append(e.path("addresses").get(0).asText()).append(e.path("conditions").path("ready").asBoolean()
                    ? "+" : "-").append(' ');
        }
        return b.toString().trim();
    }

    private ObjectNode userEndpoints() {
        return cluster.endpoints.create(json("{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'db',"
                + "'labels':{'team':'data'},'annotations':{'note':'by hand',"
                + "'kubectl.kubernetes.io/last-applied-configuration':'{}'}},'subsets':["
                + "{'addresses':[{'ip':'192.168.1.10','nodeName':'node-1','hostname':'db-a'},{'ip':'fd00::10'}],"
                + "'notReadyAddresses':[{'ip':'192.168.1.11'}],'ports':[{'name':'sql','port':5432}]},"
                + "{'addresses':[{'ip':'192.168.1.20'}],'ports':[{'name':'sql','port':5433}]}]}"));
    }

    @Test
    void userEndpointsOfAServiceWithoutSelectorAreMirroredPerPortSetAndAddressType() throws Exception {
        cluster.service("db", null, "'ports':[{'name':'sql','port':5432}]");
        ObjectNode ep = userEndpoints();
        await("three slices", () -> mirrored("db").size() == 3);
        ObjectNode v4 = sliceWithPort("db", "IPv4", 5432);
        assertEquals("192.168.1.10+ 192.168.1.11-", ips(v4));
        assertEquals("192.168.1.20+", ips(sliceWithPort("db", "IPv4", 5433)));
        assertEquals("fd00::10+", ips(sliceWithPort("db", "IPv6", 5432)));
        JsonNode first = v4.path("endpoints").get(0);
        assertEquals("node-1", first.path("nodeName").asText());
        assertEquals("db-a", first.path("hostname").asText());
        JsonNode meta = v4.path("metadata");
        assertTrue(meta.path("name").asText().startsWith("db-"));
        assertEquals("data", meta.path("labels").path("team").asText());
        assertEquals("by hand", meta.path("annotations").path("note").asText());
        assertFalse(meta.path("annotations").has("kubectl.kubernetes.io/last-applied-configuration"));
        assertEquals("Endpoints", meta.path("ownerReferences").get(0).path("kind").asText());
        assertEquals(ep.path("metadata").path("uid").asText(), meta.path("ownerReferences").get(0).path("uid")
                .asText());
        assertEquals("sql", v4.path("ports").get(0).path("name").asText());
        assertEquals("TCP", v4.path("ports").get(0).path("protocol").asText());

        // an edit of the Endpoints rewrites the same slice; a port set that is gone takes its slice with it
        String name = v4.path("metadata").path("name").asText();
        ObjectNode edited = cluster.endpoints.get("db");
        edited.set("subsets", Cluster.tree("[{'addresses':[{'ip':'192.168.1.10'},{'ip':'192.168.1.12'}],"
                + "'ports':[{'name':'sql','port':5432}]}]"));
        cluster.endpoints.update(edited);
        await("edited", () -> mirrored("db").size() == 1
                && ips(mirrored("db").get(0)).equals("192.168.1.10+ 192.168.1.12+"));
        assertEquals(name, mirrored("db").get(0).path("metadata").path("name").asText(), "updated in place");

        // settled: no update loop
        String settled = mirrored("db").get(0).path("metadata").path("resourceVersion").asText();
        Thread.sleep(500);
        assertEquals(settled, mirrored("db").get(0).path("metadata").path("resourceVersion").asText());

        cluster.endpoints.delete("db");
        await("slices go with the Endpoints", () -> mirrored("db").isEmpty());
    }

    @Test
    void aSelectorSkipMirrorOrNoServiceMeansNoMirror() throws Exception {
        userEndpoints();
        Thread.sleep(500);
        assertTrue(mirrored("db").isEmpty(), "no Service, no mirror");
        cluster.service("db", null, "'ports':[{'name':'sql','port':5432}]");
        await("mirrored once the Service exists", () -> mirrored("db").size() == 3);
        cluster.services.patch("db", PatchTypes.MERGE_PATCH, json("{'spec':{'selector':{'app':'db'}}}"));
        await("a selector ends mirroring", () -> mirrored("db").isEmpty());
        cluster.services.patch("db", PatchTypes.JSON_PATCH, Cluster.tree("[{'op':'remove','path':'/spec/selector'}]"));
        await("mirrored again", () -> mirrored("db").size() == 3);
        cluster.endpoints.patch("db", PatchTypes.MERGE_PATCH,
                json("{'metadata':{'labels':{'endpointslice.kubernetes.io/skip-mirror':'true'}}}"));
        await("skip-mirror ends mirroring", () -> mirrored("db").isEmpty());
    }
}
