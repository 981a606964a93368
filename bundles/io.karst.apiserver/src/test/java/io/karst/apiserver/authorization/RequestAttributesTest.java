package io.karst.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.UserInfo;

class RequestAttributesTest {
    private static final UserInfo ALICE = new UserInfo("alice", "", List.of("system:authenticated"), Map.of());

    private static AuthorizationAttributes of(String method, String path, Map<String, List<String>> query) {
        return RequestAttributes.of(ALICE, method, path, query);
    }

    private static AuthorizationAttributes of(String method, String path) {
        return of(method, path, Map.of());
    }

    private static String summary(AuthorizationAttributes a) {
        return a.verb() + " " + a.apiGroup() + "|" + a.apiVersion() + "|" + a.resource() + "|" + a.subresource() + "|"
                + a.namespace() + "|" + a.name();
    }

    @Test
    void verbsComeFromTheMethodAndWhetherANameIsGiven() {
        assertEquals("list |v1|pods|||", summary(of("GET", "/api/v1/pods")));
        assertEquals("list |v1|pods||default|", summary(of("GET", "/api/v1/namespaces/default/pods")));
        assertEquals("get |v1|pods||default|web", summary(of("GET", "/api/v1/namespaces/default/pods/web")));
        assertEquals("get |v1|pods||default|web", summary(of("HEAD", "/api/v1/namespaces/default/pods/web")));
        assertEquals("create apps|v1|deployments||ns|", summary(of("POST", "/apis/apps/v1/namespaces/ns/deployments")));
        assertEquals("update apps|v1|deployments||ns|d", summary(of("PUT", "/apis/apps/v1/namespaces/ns/deployments/d")));
        assertEquals("patch apps|v1|deployments||ns|d",
                summary(of("PATCH", "/apis/apps/v1/namespaces/ns/deployments/d")));
        assertEquals("delete apps|v1|deployments||ns|d",
                summary(of("DELETE", "/apis/apps/v1/namespaces/ns/deployments/d")));
        assertEquals("deletecollection apps|v1|deployments||ns|",
                summary(of("DELETE", "/apis/apps/v1/namespaces/ns/deployments")));
    }

    @Test
    void watchesAreWatchByParameterOrPathSegment() {
        assertEquals("watch |v1|pods||default|",
                summary(of("GET", "/api/v1/namespaces/default/pods", Map.of("watch", List.of("true")))));
        assertEquals("watch |v1|pods||default|",
                summary(of("GET", "/api/v1/namespaces/default/pods", Map.of("watch", List.of("1")))));
        assertEquals("list |v1|pods||default|",
                summary(of("GET", "/api/v1/namespaces/default/pods", Map.of("watch", List.of("false")))));
        assertEquals("watch |v1|pods||default|", summary(of("GET", "/api/v1/watch/namespaces/default/pods")));
        assertEquals("watch |v1|pods||default|web", summary(of("GET", "/api/v1/watch/namespaces/default/pods/web")));
    }

    @Test
    void aListNarrowedByMetadataNameIsAuthorizedAsThatObject() {
        assertEquals("watch |v1|configmaps||ns|cm", summary(of("GET", "/api/v1/namespaces/ns/configmaps",
                Map.of("watch", List.of("true"), "fieldSelector", List.of("metadata.name=cm")))));
        assertEquals("list |v1|configmaps||ns|", summary(of("GET", "/api/v1/namespaces/ns/configmaps",
                Map.of("fieldSelector", List.of("metadata.namespace=ns")))));
    }

    @Test
    void subresourcesAndConnectVerbs() {
        assertEquals("get |v1|pods|log|ns|p", summary(of("GET", "/api/v1/namespaces/ns/pods/p/log")));
        assertEquals("update |v1|pods|status|ns|p", summary(of("PUT", "/api/v1/namespaces/ns/pods/p/status")));
        assertEquals("create |v1|pods|exec|ns|p", summary(of("POST", "/api/v1/namespaces/ns/pods/p/exec")));
        assertEquals("get |v1|pods|exec|ns|p", summary(of("GET", "/api/v1/namespaces/ns/pods/p/exec")));
        assertEquals("create |v1|pods|portforward|ns|p",
                summary(of("POST", "/api/v1/namespaces/ns/pods/p/portforward")));
        assertEquals("get |v1|nodes|proxy||n1", summary(of("GET", "/api/v1/nodes/n1/proxy/stats/summary")));
        assertEquals("create |v1|nodes|proxy||n1", summary(of("POST", "/api/v1/nodes/n1/proxy/run")));
        assertEquals("get apps|v1|deployments|scale|ns|d",
                summary(of("GET", "/apis/apps/v1/namespaces/ns/deployments/d/scale")));
        assertEquals("create |v1|serviceaccounts|token|ns|sa",
                summary(of("POST", "/api/v1/namespaces/ns/serviceaccounts/sa/token")));
    }

    @Test
    void namespacesAreTheirOwnResourceWithStatusAndFinalize() {
        assertEquals("get |v1|namespaces||ns|ns", summary(of("GET", "/api/v1/namespaces/ns")));
        assertEquals("update |v1|namespaces|finalize|ns|ns", summary(of("PUT", "/api/v1/namespaces/ns/finalize")));
        assertEquals("get |v1|namespaces|status|ns|ns", summary(of("GET", "/api/v1/namespaces/ns/status")));
        assertEquals("list |v1|namespaces|||", summary(of("GET", "/api/v1/namespaces")));
    }

    @Test
    void discoveryAndOtherPathsAreNonResourceWithTheMethodAsVerb() {
        for (String path : List.of("/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/version",
                "/healthz", "/openapi/v2")) {
            AuthorizationAttributes a = of("GET", path);
            assertFalse(a.resourceRequest(), path);
            assertEquals("get", a.verb(), path);
            assertEquals(path, a.path());
        }
        assertEquals("post", of("POST", "/foo").verb());
        assertEquals("head", of("HEAD", "/healthz").verb());
        assertTrue(of("GET", "/api/v1/pods").resourceRequest());
    }
}
