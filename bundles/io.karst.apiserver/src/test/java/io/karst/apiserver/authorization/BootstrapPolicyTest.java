package io.karst.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.apiserver.testing.InProcessApi;

class BootstrapPolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private InProcessApi api;
    private ResourceClient client;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        client = api.client();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private ObjectNode role(String name) {
        return client.resource(RbacKeys.CLUSTER_ROLES).find(name).orElseThrow();
    }

    @Test
    void rolesAndBindingsAreCreatedLabelledAndAnnotated() {
        BootstrapPolicy.load().ensure(client);
        ObjectNode admin = role("cluster-admin");
        assertEquals("true", admin.path("metadata").path("annotations").path(BootstrapPolicy.AUTOUPDATE).asText());
        assertEquals("rbac-defaults", admin.path("metadata").path("labels").path(BootstrapPolicy.BOOTSTRAPPING)
                .asText());
        ObjectNode binding = client.resource(RbacKeys.CLUSTER_ROLE_BINDINGS).find("system:public-info-viewer")
                .orElseThrow();
        assertEquals(2, binding.path("subjects").size());
        assertEquals("system:unauthenticated", binding.path("subjects").get(1).path("name").asText());
    }

    @Test
    void autoupdateObjectsRegainMissingRulesAndKeepAdditionsOthersAreLeftAlone() throws Exception {
        BootstrapPolicy policy = BootstrapPolicy.load();
        policy.ensure(client);
        client.resource(RbacKeys.CLUSTER_ROLES).patch("system:discovery", PatchTypes.MERGE_PATCH, JSON.readTree(
                "{\"rules\":[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/extra\"]}]}"));
        client.resource(RbacKeys.CLUSTER_ROLES).patch("system:basic-user", PatchTypes.MERGE_PATCH, JSON.readTree(
                "{\"metadata\":{\"annotations\":{\"" + BootstrapPolicy.AUTOUPDATE + "\":\"false\"}},"
                        + "\"rules\":[]}"));
        policy.ensure(client);
        ObjectNode discovery = role("system:discovery");
        assertEquals(2, discovery.path("rules").size(), discovery::toString);
        assertEquals("/extra", discovery.path("rules").get(0).path("nonResourceURLs").get(0).asText());
        assertTrue(role("system:basic-user").path("rules").isEmpty(), "autoupdate false is kept as it is");
        policy.ensure(client);
        assertEquals(2, role("system:discovery").path("rules").size(), "nothing is added twice");
    }
}
