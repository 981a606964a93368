package io.karst.controllers.resourcequota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.admission.AdmissionAttributes;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;

/** The quota controller and admission step together, against the real resource API. */
class ResourceQuotaTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController controller;
    ResourceOperations quotas;
    ResourceOperations pods;
    ResourceOperations configMaps;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        api.addAdmissionPlugin(new ResourceQuotaAdmission(api.client()));
        quotas = api.client().resource(ResourceQuotaAdmission.QUOTAS).inNamespace("default");
        pods = api.client().resource(ResourceQuotaController.PODS).inNamespace("default");
        configMaps = api.client().resource(new ResourceKey("", "v1", "configmaps")).inNamespace("default");
        controller = new RunningController(new ResourceQuotaController(), api.client());
    }

    @AfterEach
    void stop() {
        controller.close();
        api.close();
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private ObjectNode pod(String name, String resources) {
        return json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "'},'spec':{'containers':"
                + "[{'name':'app','image':'busybox','resources':" + resources + "}]}}");
    }

    private JsonNode awaitStatus(String quota, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode status;
        while (!condition.test(status = quotas.get(quota).path("status"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("status never matched: " + status);
            }
            Thread.sleep(20);
        }
        return status;
    }

    @Test
    void theControllerCountsWhatIsThereAndAdmissionRefusesWhatWouldExceedIt() throws Exception {
        configMaps.create(json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'before'}}"));
        quotas.create(json("{'apiVersion':'v1','kind':'ResourceQuota','metadata':{'name':'small'},'spec':{'hard':"
                + "{'pods':'2','requests.cpu':'1','limits.memory':'1Gi','count/configmaps':'3'}}}"));
        JsonNode status = awaitStatus("small", s -> s.path("used").has("pods"));
        assertEquals("0", status.at("/used/pods").asText());
        // kube-root-ca.crt is not published here (no controller), so the one ConfigMap is ours
        assertEquals("1", status.at("/used/count~1configmaps").asText());
        assertEquals("2", status.at("/hard/pods").asText());

        pods.create(pod("a", "{'requests':{'cpu':'600m'},'limits':{'memory':'512Mi'}}"));
        assertEquals("600m", quotas.get("small").at("/status/used/requests.cpu").asText(),
                "admission charges the quota as it admits");
        assertEquals("512Mi", quotas.get("small").at("/status/used/limits.memory").asText());

        ResourceException exceeded = assertThrows(ResourceException.class,
                () -> pods.create(pod("b", "{'requests':{'cpu':'500m'},'limits':{'memory':'256Mi'}}")));
        assertEquals(403, exceeded.code());
        assertEquals("pods \"b\" is forbidden: exceeded quota: small, requested: requests.cpu=500m, "
                + "used: requests.cpu=600m, limited: requests.cpu=1", exceeded.getMessage());
        assertTrue(pods.find("b").isEmpty());

        ResourceException unstated = assertThrows(ResourceException.class,
                () -> pods.create(pod("c", "{'requests':{'cpu':'100m'}}")));
        assertEquals("pods \"c\" is forbidden: failed quota: small: must specify limits.memory for: app",
                unstated.getMessage());

        // deleting the pod gives its usage back
        pods.delete("a");
        awaitStatus("small", s -> s.at("/used/requests.cpu").asText().equals("0"));
        pods.create(pod("b", "{'requests':{'cpu':'500m'},'limits':{'memory':'256Mi'}}"));
    }

    @Test
    void aQuotaNotCountedYetRefusesWhatItTracksAndADryRunChargesNothing() throws Exception {
        // created while no controller runs: nobody has counted its usage yet
        controller.close();
        quotas.create(json("{'apiVersion':'v1','kind':'ResourceQuota','metadata':{'name':'maps'},'spec':{'hard':"
                + "{'configmaps':'1'}}}"));
        ResourceException unknown = assertThrows(ResourceException.class, () -> configMaps.create(json(
                "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'x'}}")));
        assertEquals("configmaps \"x\" is forbidden: status unknown for quota: maps, resources: configmaps",
                unknown.getMessage());
        controller = new RunningController(new ResourceQuotaController(), api.client());
        awaitStatus("maps", s -> s.path("used").has("configmaps"));
        // a dry run is checked but not charged
        new ResourceQuotaAdmission(api.client()).admit(new AdmissionAttributes(new ResourceKey("", "v1",
                "configmaps"), null, AdmissionAttributes.Operation.CREATE, "default", "dry", json("{'apiVersion':"
                + "'v1','kind':'ConfigMap','metadata':{'name':'dry','namespace':'default'}}"), null, true));
        assertEquals("0", quotas.get("maps").at("/status/used/configmaps").asText());
        configMaps.create(json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'one'}}"));
        assertEquals("1", quotas.get("maps").at("/status/used/configmaps").asText());
        ResourceException full = assertThrows(ResourceException.class, () -> configMaps.create(json(
                "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'two'}}")));
        assertEquals("configmaps \"two\" is forbidden: exceeded quota: maps, requested: configmaps=1, "
                + "used: configmaps=1, limited: configmaps=1", full.getMessage());
    }
}
