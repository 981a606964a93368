package io.karst.apiserver.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestPathTest {
    @Test
    void namespacedObjectWithSubresource() {
        RequestPath p = RequestPath.parse("/apis/apps/v1/namespaces/ns1/deployments/web/scale").orElseThrow();
        assertEquals(new RequestPath("apps", "v1", false, "ns1", "deployments", "web", "scale"), p);
    }

    @Test
    void coreCollectionsClusterWideAndInANamespace() {
        assertEquals(new RequestPath("", "v1", false, null, "pods", null, null),
                RequestPath.parse("/api/v1/pods").orElseThrow());
        assertEquals(new RequestPath("", "v1", false, "default", "pods", null, null),
                RequestPath.parse("/api/v1/namespaces/default/pods").orElseThrow());
    }

    @Test
    void namespacesThemselvesAndTheirSubresources() {
        assertEquals(new RequestPath("", "v1", false, null, "namespaces", "foo", null),
                RequestPath.parse("/api/v1/namespaces/foo").orElseThrow());
        assertEquals(new RequestPath("", "v1", false, null, "namespaces", "foo", "finalize"),
                RequestPath.parse("/api/v1/namespaces/foo/finalize").orElseThrow());
        assertEquals(new RequestPath("", "v1", false, null, "namespaces", null, null),
                RequestPath.parse("/api/v1/namespaces").orElseThrow());
    }

    @Test
    void legacyWatchPrefix() {
        assertEquals(new RequestPath("", "v1", true, "default", "pods", "p", null),
                RequestPath.parse("/api/v1/watch/namespaces/default/pods/p").orElseThrow());
    }

    @Test
    void discoveryAndTooLongPathsAreNotResources() {
        assertTrue(RequestPath.parse("/api/v1").isEmpty());
        assertTrue(RequestPath.parse("/apis/apps/v1").isEmpty());
        assertTrue(RequestPath.parse("/api/v1/namespaces/a/pods/b/log/extra").isEmpty());
    }

    @Test
    void proxySubresourcesKeepTheRestOfThePath() {
        assertEquals(new RequestPath("", "v1", false, null, "nodes", "n1", "proxy", "stats/summary"),
                RequestPath.parse("/api/v1/nodes/n1/proxy/stats/summary").orElseThrow());
        assertEquals(new RequestPath("", "v1", false, null, "nodes", "n1", "proxy", "logs/"),
                RequestPath.parse("/api/v1/nodes/n1/proxy/logs/").orElseThrow());
        assertEquals(new RequestPath("", "v1", false, null, "nodes", "n1", "proxy", null),
                RequestPath.parse("/api/v1/nodes/n1/proxy").orElseThrow());
        assertEquals(new RequestPath("", "v1", false, "ns", "services", "web", "proxy", "a/b/c/d"),
                RequestPath.parse("/api/v1/namespaces/ns/services/web/proxy/a/b/c/d").orElseThrow());
    }
}
