package io.karst.apiserver.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.apiserver.endpoint.ApiFixture;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.status.ApiException;

/** The write path with the built-in admission: defaults as upstream stores them, 422 for invalid objects. */
class BuiltinAdmissionTest {
    @TempDir
    Path dir;
    ApiFixture api;

    @BeforeEach
    void start() {
        ResourceRegistry registry = new ResourceRegistry(BuiltinResources.all());
        api = new ApiFixture(dir, (store, kv) -> new AdmissionChain(List.of(new BuiltinAdmission(store, registry),
                new ServiceAddresses(store, registry.find("", "v1", "services").orElseThrow(), () -> kv,
                        "10.43.0.0/16", "30000-32767"))));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void deploymentIsStoredWithUpstreamDefaults() {
        JsonNode d = api.object("POST", "/apis/apps/v1/namespaces/default/deployments", "{\"apiVersion\":\"apps/v1\","
                + "\"kind\":\"Deployment\",\"metadata\":{\"name\":\"nginx\",\"labels\":{\"app\":\"nginx\"}},\"spec\":"
                + "{\"selector\":{\"matchLabels\":{\"app\":\"nginx\"}},\"template\":{\"metadata\":{\"labels\":"
                + "{\"app\":\"nginx\"}},\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx\"}]}}}}");
        JsonNode spec = d.path("spec");
        assertEquals(1, spec.path("replicas").asInt());
        assertEquals("RollingUpdate", spec.path("strategy").path("type").asText());
        assertEquals("25%", spec.path("strategy").path("rollingUpdate").path("maxSurge").asText());
        assertEquals(10, spec.path("revisionHistoryLimit").asInt());
        assertEquals(600, spec.path("progressDeadlineSeconds").asInt());
        JsonNode pod = spec.path("template").path("spec");
        assertEquals("Always", pod.path("restartPolicy").asText());
        assertEquals("ClusterFirst", pod.path("dnsPolicy").asText());
        assertEquals("Always", pod.path("containers").get(0).path("imagePullPolicy").asText());
        assertEquals("/dev/termination-log", pod.path("containers").get(0).path("terminationMessagePath").asText());
    }

    @Test
    void invalidNameIsRefusedWithUpstreamMessageAndNothingStored() {
        long before = api.kv.currentRevision();
        ApiException e = api.failure("POST", "/api/v1/namespaces/default/configmaps",
                ApiFixture.configMap("Not_Valid", "{}"));
        assertEquals(422, e.code());
        assertEquals("Invalid", e.reason());
        assertTrue(e.getMessage().startsWith("ConfigMap \"Not_Valid\" is invalid: metadata.name: Invalid value: "
                + "\"Not_Valid\": a lowercase RFC 1123 subdomain"), e.getMessage());
        assertEquals("metadata.name", e.details().causes().get(0).field());
        assertEquals(before, api.kv.currentRevision());
    }

    @Test
    void selectorNotMatchingTemplateIsInvalid() {
        ApiException e = api.failure("POST", "/apis/apps/v1/namespaces/default/deployments", "{\"apiVersion\":"
                + "\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"selector\":"
                + "{\"matchLabels\":{\"app\":\"a\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"b\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}}}");
        assertEquals(422, e.code());
        assertTrue(e.getMessage().contains("`selector` does not match template `labels`"), e.getMessage());
    }

    @Test
    void serviceUpdateWithoutItsClusterIpKeepsIt() {
        JsonNode svc = api.object("POST", "/api/v1/namespaces/default/services", "{\"apiVersion\":\"v1\",\"kind\":"
                + "\"Service\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"selector\":{\"app\":\"web\"},\"ports\":"
                + "[{\"port\":80}]}}");
        String ip = svc.path("spec").path("clusterIP").asText();
        assertEquals("TCP", svc.path("spec").path("ports").get(0).path("protocol").asText());
        assertEquals(80, svc.path("spec").path("ports").get(0).path("targetPort").asInt());
        JsonNode updated = api.object("PUT", "/api/v1/namespaces/default/services/web", "{\"apiVersion\":\"v1\","
                + "\"kind\":\"Service\",\"metadata\":{\"name\":\"web\",\"labels\":{\"x\":\"y\"}},\"spec\":"
                + "{\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80}]}}");
        assertEquals(ip, updated.path("spec").path("clusterIP").asText());
    }
}
