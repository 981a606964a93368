package io.karst.apiserver.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.endpoint.ApiFixture;
import io.karst.apiserver.status.ApiException;

class ServiceAddressesTest {
    private static final String SERVICES = "/api/v1/namespaces/default/services";

    @TempDir
    Path dir;
    ApiFixture api;

    @BeforeEach
    void start() {
        api = new ApiFixture(dir, (store, kv) -> new ServiceAddresses(store,
                new io.karst.apiserver.resource.ResourceRegistry(io.karst.apiserver.resource.BuiltinResources.all())
                        .find("", "v1", "services").orElseThrow(), () -> kv, "10.43.0.0/16", "30000-32767"));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static String service(String name, String extraSpec) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{"
                + extraSpec + "\"ports\":[{\"port\":80,\"protocol\":\"TCP\"}]}}";
    }

    @Test
    void everyServiceGetsItsOwnAddressAboveTheStaticBand() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            String ip = api.object("POST", SERVICES, service("s" + i, "")).path("spec").path("clusterIP").asText();
            assertTrue(ip.startsWith("10.43."), ip);
            String[] octets = ip.split("\\.");
            assertTrue(Integer.parseInt(octets[2]) * 256 + Integer.parseInt(octets[3]) >= 256, ip);
            assertTrue(seen.add(ip), "allocated twice: " + ip);
        }
    }

    @Test
    void explicitAddressMustBeInRangeAndFree() {
        api.call("POST", SERVICES, service("dns", "\"clusterIP\":\"10.43.0.10\","));
        ApiException taken = api.failure("POST", SERVICES, service("dns2", "\"clusterIP\":\"10.43.0.10\","));
        assertEquals(422, taken.code());
        assertTrue(taken.getMessage().contains("provided IP is already allocated"), taken.getMessage());
        ApiException outside = api.failure("POST", SERVICES, service("far", "\"clusterIP\":\"192.168.1.1\","));
        assertTrue(outside.getMessage().contains("not in the valid range"), outside.getMessage());
        api.call("DELETE", SERVICES + "/dns", null);
        assertEquals("10.43.0.10", api.object("POST", SERVICES, service("dns3", "\"clusterIP\":\"10.43.0.10\","))
                .path("spec").path("clusterIP").asText(), "a deleted Service's address is free at once");
    }

    @Test
    void headlessAndExternalNameGetNoAddress() {
        assertEquals("None", api.object("POST", SERVICES, service("headless", "\"clusterIP\":\"None\","))
                .path("spec").path("clusterIP").asText());
        JsonNode external = api.object("POST", SERVICES, "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":"
                + "{\"name\":\"ext\"},\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"example.com\"}}");
        assertTrue(external.path("spec").path("clusterIP").isMissingNode());
    }

    @Test
    void nodePortsAreAllocatedKeptAndCheckedForClashes() {
        ObjectNode np = api.object("POST", SERVICES, service("np", "\"type\":\"NodePort\","));
        int port = np.path("spec").path("ports").get(0).path("nodePort").asInt();
        assertTrue(port >= 30000 && port <= 32767, "port " + port);
        ((ObjectNode) np.path("spec").path("ports").get(0)).remove("nodePort");
        ObjectNode updated = api.object("PUT", SERVICES + "/np", np.toString());
        assertEquals(port, updated.path("spec").path("ports").get(0).path("nodePort").asInt());
        assertEquals(np.path("spec").path("clusterIP"), updated.path("spec").path("clusterIP"));
        ApiException clash = api.failure("POST", SERVICES, "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":"
                + "{\"name\":\"np2\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":81,\"nodePort\":" + port
                + "}]}}");
        assertTrue(clash.getMessage().contains("provided port is already allocated"), clash.getMessage());
        ((ObjectNode) updated.path("spec")).put("clusterIP", "10.43.9.9").putArray("clusterIPs").add("10.43.9.9");
        assertTrue(api.failure("PUT", SERVICES + "/np", updated.toString()).getMessage()
                .contains("may not change once set"));
    }
}
