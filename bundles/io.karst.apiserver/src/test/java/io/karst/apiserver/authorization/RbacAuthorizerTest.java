package io.karst.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.AuthorizationDecision;
import io.karst.api.security.UserInfo;

class RbacAuthorizerTest {
    private static final UserInfo ALICE = new UserInfo("alice", "", List.of("devs", "system:authenticated"),
            Map.of());
    private static final UserInfo SA = new UserInfo("system:serviceaccount:team:builder", "",
            List.of("system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"), Map.of());

    private final InMemoryObjects objects = new InMemoryObjects()
            .add("{'kind':'ClusterRole','metadata':{'name':'pod-reader'},'rules':[{'apiGroups':[''],"
                    + "'resources':['pods'],'verbs':['get','list']}]}")
            .add("{'kind':'Role','metadata':{'name':'cm-writer','namespace':'team'},'rules':[{'apiGroups':[''],"
                    + "'resources':['configmaps'],'verbs':['create']}]}");
    private final RbacAuthorizer rbac = new RbacAuthorizer(objects);

    private static AuthorizationAttributes pods(UserInfo user, String verb, String namespace) {
        return AuthorizationAttributes.resource(user, verb, "", "v1", "pods", "", namespace, "");
    }

    @Test
    void nothingIsAllowedWithoutABinding() {
        AuthorizationDecision d = rbac.authorize(pods(ALICE, "list", "default"));
        assertEquals(AuthorizationDecision.Outcome.NO_OPINION, d.outcome());
        assertEquals("", d.reason());
    }

    @Test
    void aClusterRoleBindingAllowsInEveryNamespaceAndAtClusterScope() {
        objects.add("{'kind':'ClusterRoleBinding','metadata':{'name':'b'},'roleRef':{'kind':'ClusterRole',"
                + "'name':'pod-reader'},'subjects':[{'kind':'Group','name':'devs'}]}");
        assertTrue(rbac.authorize(pods(ALICE, "list", "default")).allowed());
        assertTrue(rbac.authorize(pods(ALICE, "list", "")).allowed());
        assertFalse(rbac.authorize(pods(ALICE, "delete", "default")).allowed());
    }

    @Test
    void aRoleBindingAllowsOnlyInItsNamespace() {
        objects.add("{'kind':'RoleBinding','metadata':{'name':'b','namespace':'team'},'roleRef':{'kind':"
                + "'ClusterRole','name':'pod-reader'},'subjects':[{'kind':'User','name':'alice'}]}");
        assertTrue(rbac.authorize(pods(ALICE, "list", "team")).allowed());
        assertFalse(rbac.authorize(pods(ALICE, "list", "other")).allowed());
        assertFalse(rbac.authorize(pods(ALICE, "list", "")).allowed(), "not across all namespaces");
    }

    @Test
    void serviceAccountSubjectsDefaultToTheBindingsNamespace() {
        objects.add("{'kind':'RoleBinding','metadata':{'name':'b','namespace':'team'},'roleRef':{'kind':'Role',"
                + "'name':'cm-writer'},'subjects':[{'kind':'ServiceAccount','name':'builder'}]}");
        AuthorizationAttributes create = AuthorizationAttributes.resource(SA, "create", "", "v1", "configmaps", "",
                "team", "");
        assertTrue(rbac.authorize(create).allowed());
        objects.add("{'kind':'RoleBinding','metadata':{'name':'b','namespace':'elsewhere'},'roleRef':{'kind':'Role',"
                + "'name':'cm-writer'},'subjects':[{'kind':'ServiceAccount','name':'builder'}]}");
        AuthorizationAttributes elsewhere = AuthorizationAttributes.resource(SA, "create", "", "v1", "configmaps",
                "", "elsewhere", "");
        assertFalse(rbac.authorize(elsewhere).allowed(), "builder in elsewhere is another service account");
    }

    @Test
    void aBindingToAMissingRoleSaysSo() {
        objects.add("{'kind':'RoleBinding','metadata':{'name':'b','namespace':'team'},'roleRef':{'kind':"
                + "'ClusterRole','name':'gone'},'subjects':[{'kind':'User','name':'alice'}]}");
        AuthorizationDecision d = rbac.authorize(pods(ALICE, "get", "team"));
        assertFalse(d.allowed());
        assertEquals("RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found", d.reason());
    }

    @Test
    void theBootstrapPolicyLetsEveryAuthenticatedUserDiscoverAndReviewItself() {
        InMemoryObjects bootstrap = new InMemoryObjects();
        BootstrapPolicy policy = BootstrapPolicy.load();
        policy.clusterRoles().forEach(r -> bootstrap.add(r.toString()));
        policy.clusterRoleBindings().forEach(b -> bootstrap.add(b.toString()));
        RbacAuthorizer authorizer = new RbacAuthorizer(bootstrap);
        for (String path : List.of("/api", "/apis/apps/v1", "/version", "/openapi/v2", "/healthz")) {
            assertTrue(authorizer.authorize(AuthorizationAttributes.nonResource(ALICE, "get", path)).allowed(), path);
        }
        assertFalse(authorizer.authorize(AuthorizationAttributes.nonResource(ALICE, "get", "/metrics")).allowed());
        assertTrue(authorizer.authorize(AuthorizationAttributes.resource(ALICE, "create", "authorization.k8s.io",
                "v1", "selfsubjectaccessreviews", "", "", "")).allowed());
        UserInfo anonymous = new UserInfo("system:anonymous", "", List.of("system:unauthenticated"), Map.of());
        assertTrue(authorizer.authorize(AuthorizationAttributes.nonResource(anonymous, "get", "/version")).allowed());
        assertFalse(authorizer.authorize(AuthorizationAttributes.nonResource(anonymous, "get", "/api")).allowed());
        assertFalse(authorizer.authorize(pods(ALICE, "list", "default")).allowed());
    }
}
