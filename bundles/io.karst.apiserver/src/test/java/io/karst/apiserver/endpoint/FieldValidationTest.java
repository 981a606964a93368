package io.karst.apiserver.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.apiserver.status.ApiException;

class FieldValidationTest {
    static final String PODS = "/api/v1/namespaces/default/pods";
    static final String POD = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
            + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"colour\":\"red\"}],\"bogus\":1}}";

    @TempDir
    Path dir;
    ApiFixture api;

    @BeforeEach
    void start() {
        api = new ApiFixture(dir);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void strictRefusesUnknownFieldsAndStoresNothing() {
        long before = api.kv.currentRevision();
        ApiException e = api.failure("POST", PODS + "?fieldValidation=Strict", POD);
        assertEquals(400, e.code());
        assertEquals("BadRequest", e.reason());
        assertEquals("Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field "
                + "\"spec.containers[0].colour\", unknown field \"spec.bogus\"", e.getMessage());
        assertEquals(before, api.kv.currentRevision());
    }

    @Test
    void warnByDefaultStoresWithoutTheUnknownFieldsAndSaysSo() {
        ApiResponse.Body created = api.call("POST", PODS, POD);
        assertEquals(List.of("unknown field \"spec.containers[0].colour\"", "unknown field \"spec.bogus\""),
                created.warnings());
        assertFalse(created.object().path("spec").has("bogus"));
        assertFalse(created.object().path("spec").path("containers").path(0).has("colour"));
        assertFalse(api.object("GET", PODS + "/p", null).path("spec").has("bogus"), "never stored");
    }

    @Test
    void ignoreDropsUnknownFieldsSilently() {
        ApiResponse.Body created = api.call("POST", PODS + "?fieldValidation=Ignore", POD);
        assertTrue(created.warnings().isEmpty());
        assertFalse(created.object().path("spec").has("bogus"));
    }

    @Test
    void aValueOfTheWrongTypeCannotBeHandledWhateverTheDirective() {
        ApiException e = api.failure("POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Ignore",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
                        + "\"spec\":{\"replicas\":\"three\"}}");
        assertEquals(400, e.code());
        assertTrue(e.getMessage().startsWith("Deployment in version \"v1\" cannot be handled as a Deployment: "
                + "json: cannot unmarshal string into Go struct field"), e.getMessage());
    }

    @Test
    void strictAppliesToPatchesAndAnUnknownDirectiveIsRefused() {
        api.call("POST", PODS, POD);
        try {
            api.request("PATCH", PODS + "/p?fieldValidation=Strict", "{\"spec\":{\"extra\":true}}",
                    "application/strategic-merge-patch+json");
            throw new AssertionError("the patch was accepted");
        } catch (ApiException e) {
            assertEquals("strict decoding error: unknown field \"spec.extra\"", e.getMessage());
        }
        assertEquals(400, api.failure("POST", PODS + "?fieldValidation=Loose", POD).code());
    }
}
