package io.karst.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.status.StatusObject;

class ForbiddenStatusTest {
    private static final UserInfo ALICE = new UserInfo("alice", "", List.of("system:authenticated"), Map.of());

    @Test
    void aNamespacedListIsRefusedInUpstreamsWords() {
        ApiException e = ForbiddenStatus.of(AuthorizationAttributes.resource(ALICE, "list", "", "v1", "pods", "",
                "default", ""), "");
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"pods is forbidden: User \\\"alice\\\" cannot list resource \\\"pods\\\" in API group "
                + "\\\"\\\" in the namespace \\\"default\\\"\",\"reason\":\"Forbidden\",\"details\":{\"kind\":\"pods\"},"
                + "\"code\":403}", StatusObject.failure(e).toString());
    }

    @Test
    void namedGroupedClusterScopedAndSubresourceForms() {
        assertEquals("deployments.apps \"web\" is forbidden: User \"alice\" cannot get resource "
                + "\"deployments/scale\" in API group \"apps\" in the namespace \"ns\"",
                ForbiddenStatus.of(AuthorizationAttributes.resource(ALICE, "get", "apps", "v1", "deployments",
                        "scale", "ns", "web"), "").getMessage());
        assertEquals("nodes is forbidden: User \"alice\" cannot list resource \"nodes\" in API group \"\" at the "
                + "cluster scope", ForbiddenStatus.of(AuthorizationAttributes.resource(ALICE, "list", "", "v1",
                        "nodes", "", "", ""), "").getMessage());
        assertEquals("pods is forbidden: User \"alice\" cannot get resource \"pods\" in API group \"\" in the "
                + "namespace \"x\": RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found",
                ForbiddenStatus.of(AuthorizationAttributes.resource(ALICE, "get", "", "v1", "pods", "", "x", ""),
                        "RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found").getMessage());
    }

    @Test
    void aPathIsRefusedWithoutResource() {
        ApiException e = ForbiddenStatus.of(AuthorizationAttributes.nonResource(ALICE, "get", "/foo"), "");
        assertEquals(403, e.code());
        assertEquals("Forbidden", e.reason());
        assertEquals("forbidden: User \"alice\" cannot get path \"/foo\"", e.getMessage());
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"forbidden: User \\\"alice\\\" cannot get path \\\"/foo\\\"\",\"reason\":\"Forbidden\","
                + "\"details\":{},\"code\":403}", ForbiddenStatus.body(AuthorizationAttributes.nonResource(ALICE, "get",
                        "/foo"), "").toString());
    }
}
