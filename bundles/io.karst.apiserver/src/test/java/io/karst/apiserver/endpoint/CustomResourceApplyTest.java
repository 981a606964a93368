package io.karst.apiserver.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.apiserver.admission.BuiltinAdmission;
import io.karst.apiserver.crd.CustomResourceDefinitionController;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.status.ApiException;

/** Server-side apply of custom resources reads the CRD's schema: list types and keys, undeclared fields. */
class CustomResourceApplyTest {
    private static final String GATES = "/apis/example.com/v1/namespaces/default/gates/";
    private static final String CRD = "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":"
            + "\"CustomResourceDefinition\",\"metadata\":{\"name\":\"gates.example.com\"},\"spec\":{\"group\":"
            + "\"example.com\",\"scope\":\"Namespaced\",\"names\":{\"plural\":\"gates\",\"kind\":\"Gate\"},"
            + "\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true,\"schema\":{\"openAPIV3Schema\":"
            + "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{\"ports\":{"
            + "\"type\":\"array\",\"x-kubernetes-list-type\":\"map\",\"x-kubernetes-list-map-keys\":[\"name\"],"
            + "\"items\":{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{\"name\":{\"type\":"
            + "\"string\"},\"port\":{\"type\":\"integer\"}}}}}}}}}}]}}";

    @TempDir
    Path dir;
    ApiFixture api;
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    CustomResourceDefinitionController controller;

    @BeforeEach
    void start() throws InterruptedException {
        api = new ApiFixture(dir, (store, kv) -> new BuiltinAdmission(store,
                new ResourceRegistry(BuiltinResources.all())));
        controller = new CustomResourceDefinitionController(api.store, api.registry, BuiltinResources.all(), executor,
                Clock.systemUTC());
        controller.start();
        api.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CRD);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (api.registry.find("example.com", "v1", "gates").isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gates never served");
            }
            Thread.sleep(10);
        }
    }

    @AfterEach
    void stop() {
        controller.close();
        executor.shutdownNow();
        api.close();
    }

    private void apply(String manager, String ports) {
        api.request("PATCH", GATES + "g?fieldManager=" + manager, "apiVersion: example.com/v1\nkind: Gate\n"
                + "metadata:\n  name: g\nspec:\n  ports:\n" + ports, "application/apply-patch+yaml");
    }

    @Test
    void twoAppliersEachKeepTheirItemOfAKeyedList() {
        apply("a", "  - name: http\n    port: 80\n");
        apply("b", "  - name: metrics\n    port: 9090\n");
        JsonNode ports = api.object("GET", GATES + "g", null).path("spec").path("ports");
        assertEquals(2, ports.size(), ports::toString);
        apply("a", "  - name: http\n    port: 8080\n");
        ports = api.object("GET", GATES + "g", null).path("spec").path("ports");
        assertEquals("[{\"name\":\"http\",\"port\":8080},{\"name\":\"metrics\",\"port\":9090}]", ports.toString());
        ApiException conflict = assertThrows(ApiException.class,
                () -> apply("b", "  - name: http\n    port: 1\n"));
        assertEquals(409, conflict.code());
        assertTrue(conflict.getMessage().contains(".spec.ports[name=\"http\"].port"), conflict.getMessage());
    }

    @Test
    void aFieldTheCrdDoesNotDeclareIsABadRequest() {
        ApiException e = assertThrows(ApiException.class, () -> api.request("PATCH", GATES + "g?fieldManager=a",
                "apiVersion: example.com/v1\nkind: Gate\nmetadata:\n  name: g\nspec:\n  colour: red\n",
                "application/apply-patch+yaml"));
        assertEquals(400, e.code());
        assertTrue(e.getMessage().endsWith(".spec.colour: field not declared in schema"), e.getMessage());
    }
}
