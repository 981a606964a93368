package io.karst.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.UserInfo;

class PolicyRuleTest {
    private static final UserInfo BOB = new UserInfo("bob", "", List.of(), Map.of());

    private static PolicyRule rule(List<String> verbs, List<String> groups, List<String> resources,
            List<String> names) {
        return new PolicyRule(verbs, groups, resources, names, List.of());
    }

    private static AuthorizationAttributes request(String verb, String group, String resource, String sub,
            String name) {
        return AuthorizationAttributes.resource(BOB, verb, group, "v1", resource, sub, "ns", name);
    }

    @Test
    void verbGroupAndResourceMustAllMatch() {
        PolicyRule r = rule(List.of("get", "list"), List.of(""), List.of("pods"), List.of());
        assertTrue(r.allows(request("get", "", "pods", "", "p")));
        assertTrue(r.allows(request("list", "", "pods", "", "")));
        assertFalse(r.allows(request("delete", "", "pods", "", "p")), "verb");
        assertFalse(r.allows(request("get", "apps", "pods", "", "p")), "group");
        assertFalse(r.allows(request("get", "", "services", "", "s")), "resource");
        assertFalse(r.allows(request("get", "", "pods", "log", "p")), "a subresource is not its parent");
    }

    @Test
    void wildcardsMatchEverything() {
        PolicyRule all = rule(List.of("*"), List.of("*"), List.of("*"), List.of());
        assertTrue(all.allows(request("deletecollection", "apps", "deployments", "", "")));
        assertTrue(all.allows(request("create", "", "pods", "exec", "p")));
        assertFalse(all.allows(AuthorizationAttributes.nonResource(BOB, "get", "/healthz")),
                "resource rules never grant paths");
    }

    @Test
    void subresourcesMatchByFullNameOrStarSlash() {
        PolicyRule logs = rule(List.of("get"), List.of(""), List.of("pods/log"), List.of());
        assertTrue(logs.allows(request("get", "", "pods", "log", "p")));
        assertFalse(logs.allows(request("get", "", "pods", "", "p")));
        assertFalse(logs.allows(request("get", "", "pods", "exec", "p")));
        PolicyRule scale = rule(List.of("update"), List.of("*"), List.of("*/scale"), List.of());
        assertTrue(scale.allows(request("update", "apps", "deployments", "scale", "d")));
        assertTrue(scale.allows(request("update", "apps", "statefulsets", "scale", "s")));
        assertFalse(scale.allows(request("update", "apps", "deployments", "", "d")));
        assertFalse(scale.allows(request("update", "apps", "deployments", "status", "d")));
    }

    @Test
    void resourceNamesLimitToNamedObjects() {
        PolicyRule one = rule(List.of("get", "update", "list"), List.of("coordination.k8s.io"), List.of("leases"),
                List.of("kube-scheduler"));
        assertTrue(one.allows(request("get", "coordination.k8s.io", "leases", "", "kube-scheduler")));
        assertFalse(one.allows(request("get", "coordination.k8s.io", "leases", "", "other")));
        assertFalse(one.allows(request("list", "coordination.k8s.io", "leases", "", "")),
                "a collection names no object");
    }

    @Test
    void nonResourceUrlsMatchExactlyOrByStarPrefix() {
        PolicyRule r = new PolicyRule(List.of("get"), List.of(), List.of(), List.of(),
                List.of("/healthz", "/apis/*"));
        assertTrue(r.allows(AuthorizationAttributes.nonResource(BOB, "get", "/healthz")));
        assertTrue(r.allows(AuthorizationAttributes.nonResource(BOB, "get", "/apis/apps/v1")));
        assertFalse(r.allows(AuthorizationAttributes.nonResource(BOB, "get", "/healthz/ping")));
        assertFalse(r.allows(AuthorizationAttributes.nonResource(BOB, "get", "/apis")), "/apis/* needs the slash");
        assertFalse(r.allows(AuthorizationAttributes.nonResource(BOB, "post", "/healthz")));
        assertFalse(r.allows(request("get", "", "pods", "", "p")), "URL rules never grant resources");
        PolicyRule any = new PolicyRule(List.of("*"), List.of(), List.of(), List.of(), List.of("*"));
        assertTrue(any.allows(AuthorizationAttributes.nonResource(BOB, "delete", "/anything")));
    }
}
