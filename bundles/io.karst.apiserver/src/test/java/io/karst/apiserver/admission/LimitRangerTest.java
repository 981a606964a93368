package io.karst.apiserver.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.apiserver.endpoint.ApiFixture;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.status.ApiException;

/** LimitRanges give new pods their defaults and refuse pods and claims outside their bounds, as upstream. */
class LimitRangerTest {
    private static final String PODS = "/api/v1/namespaces/default/pods";
    @TempDir
    Path dir;
    ApiFixture api;

    @BeforeEach
    void start() {
        api = new ApiFixture(dir, (store, kv) -> new BuiltinAdmission(store,
                new ResourceRegistry(BuiltinResources.all())));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private void limitRange(String limits) {
        api.call("POST", "/api/v1/namespaces/default/limitranges", "{\"apiVersion\":\"v1\",\"kind\":\"LimitRange\","
                + "\"metadata\":{\"name\":\"bounds\"},\"spec\":{\"limits\":" + limits + "}}");
    }

    private static String pod(String name, String resources) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":"
                + "{\"containers\":[{\"name\":\"app\",\"image\":\"busybox\",\"resources\":" + resources + "}]}}";
    }

    @Test
    void aContainerWithoutResourcesGetsTheDefaultsAndTheAnnotationSaysWhich() {
        limitRange("[{\"type\":\"Container\",\"default\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},"
                + "\"defaultRequest\":{\"cpu\":\"100m\"}}]");
        JsonNode pod = api.object("POST", PODS, pod("p", "{}"));
        JsonNode resources = pod.at("/spec/containers/0/resources");
        assertEquals("500m", resources.at("/limits/cpu").asText());
        assertEquals("256Mi", resources.at("/limits/memory").asText());
        assertEquals("100m", resources.at("/requests/cpu").asText());
        // the LimitRange's own defaulting made memory's defaultRequest its default
        assertEquals("256Mi", resources.at("/requests/memory").asText());
        assertEquals("LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for "
                + "container app", pod.at("/metadata/annotations").path(LimitRanger.ANNOTATION).asText());
    }

    @Test
    void boundsAreCheckedWithUpstreamsMessagesAndNothingIsStored() {
        limitRange("[{\"type\":\"Container\",\"max\":{\"cpu\":\"1\"},\"min\":{\"memory\":\"64Mi\"},"
                + "\"maxLimitRequestRatio\":{\"cpu\":\"2\"}}]");
        ApiException e = assertThrows(ApiException.class, () -> api.call("POST", PODS, pod("big",
                "{\"limits\":{\"cpu\":\"2\",\"memory\":\"128Mi\"},\"requests\":{\"cpu\":\"500m\",\"memory\":"
                        + "\"32Mi\"}}")));
        assertEquals(403, e.code());
        // upstream's order within an item: min, then max, then the ratio
        assertEquals("pods \"big\" is forbidden: [minimum memory usage per Container is 64Mi, but request is 32Mi, "
                + "maximum cpu usage per Container is 1, but limit is 2, cpu max limit to request ratio "
                + "per Container is 2, but provided ratio is 4.000000]", e.getMessage());
        assertEquals(404, assertThrows(ApiException.class, () -> api.call("GET", PODS + "/big", null)).code());
        // within bounds (the max also defaults the limit of a container that sets none)
        JsonNode ok = api.object("POST", PODS, pod("fits", "{\"requests\":{\"cpu\":\"600m\",\"memory\":\"64Mi\"}}"));
        assertEquals("1", ok.at("/spec/containers/0/resources/limits/cpu").asText());
    }

    @Test
    void aPodLimitAddsUpItsContainersAndAClaimLimitBoundsItsStorage() {
        limitRange("[{\"type\":\"Pod\",\"max\":{\"memory\":\"1Gi\"}},{\"type\":\"PersistentVolumeClaim\","
                + "\"min\":{\"storage\":\"1Gi\"}}]");
        ApiException pod = assertThrows(ApiException.class, () -> api.call("POST", PODS, "{\"apiVersion\":\"v1\","
                + "\"kind\":\"Pod\",\"metadata\":{\"name\":\"two\"},\"spec\":{\"containers\":[{\"name\":\"a\","
                + "\"image\":\"x\",\"resources\":{\"limits\":{\"memory\":\"768Mi\"}}},{\"name\":\"b\",\"image\":"
                + "\"x\",\"resources\":{\"limits\":{\"memory\":\"512Mi\"}}}]}}"));
        assertEquals("pods \"two\" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1280Mi",
                pod.getMessage());
        ApiException claim = assertThrows(ApiException.class, () -> api.call("POST",
                "/api/v1/namespaces/default/persistentvolumeclaims", "{\"apiVersion\":\"v1\",\"kind\":"
                        + "\"PersistentVolumeClaim\",\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":"
                        + "[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"500Mi\"}}}}"));
        assertEquals("persistentvolumeclaims \"c\" is forbidden: minimum storage usage per PersistentVolumeClaim "
                + "is 1Gi, but request is 500Mi", claim.getMessage());
    }
}
