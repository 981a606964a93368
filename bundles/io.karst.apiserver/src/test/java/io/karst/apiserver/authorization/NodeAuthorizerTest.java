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

/** Each request the agent's kubelet makes, allowed for its own node and refused for another node's objects. */
class NodeAuthorizerTest {
    private static final UserInfo NODE_A = new UserInfo("system:node:a", "", List.of("system:nodes",
            "system:authenticated"), Map.of());
    private static final UserInfo NOT_A_NODE = new UserInfo("system:node:a", "", List.of("system:authenticated"),
            Map.of());

    private final InMemoryObjects objects = new InMemoryObjects()
            .add("{'kind':'Pod','metadata':{'name':'web','namespace':'ns'},'spec':{'nodeName':'a',"
                    + "'serviceAccountName':'runner','imagePullSecrets':[{'name':'pull'}],"
                    + "'volumes':[{'name':'s','secret':{'secretName':'tls'}},{'name':'c','configMap':{'name':'conf'}},"
                    + "{'name':'p','projected':{'sources':[{'secret':{'name':'proj'}}]}},"
                    + "{'name':'d','persistentVolumeClaim':{'claimName':'data'}}],"
                    + "'containers':[{'name':'c','env':[{'name':'X','valueFrom':{'secretKeyRef':{'name':'envsec',"
                    + "'key':'k'}}}],'envFrom':[{'configMapRef':{'name':'envconf'}}]}]}}")
            .add("{'kind':'Pod','metadata':{'name':'db','namespace':'ns'},'spec':{'nodeName':'b',"
                    + "'serviceAccountName':'dba','volumes':[{'name':'s','secret':{'secretName':'db-pass'}},"
                    + "{'name':'d','persistentVolumeClaim':{'claimName':'dbdata'}}],'containers':[{'name':'c'}]}}")
            .add("{'kind':'PersistentVolumeClaim','metadata':{'name':'data','namespace':'ns'},"
                    + "'spec':{'volumeName':'pv-a'}}")
            .add("{'kind':'PersistentVolumeClaim','metadata':{'name':'dbdata','namespace':'ns'},"
                    + "'spec':{'volumeName':'pv-b'}}");
    private final NodeAuthorizer node = new NodeAuthorizer(objects, BootstrapPolicy.load().rules("system:node"));

    private boolean allowed(UserInfo user, String verb, String group, String resource, String sub, String ns,
            String name) {
        return node.authorize(AuthorizationAttributes.resource(user, verb, group, "v1", resource, sub, ns, name))
                .allowed();
    }

    private boolean allowed(String verb, String group, String resource, String sub, String ns, String name) {
        return allowed(NODE_A, verb, group, resource, sub, ns, name);
    }

    @Test
    void secretsAndConfigMapsOnlyOfItsOwnPods() {
        for (String secret : List.of("tls", "pull", "proj", "envsec")) {
            assertTrue(allowed("get", "", "secrets", "", "ns", secret), secret);
        }
        assertTrue(allowed("get", "", "configmaps", "", "ns", "conf"));
        assertTrue(allowed("watch", "", "configmaps", "", "ns", "envconf"));
        AuthorizationDecision other = node.authorize(AuthorizationAttributes.resource(NODE_A, "get", "", "v1",
                "secrets", "", "ns", "db-pass"));
        assertFalse(other.allowed());
        assertEquals("no relationship found between node 'a' and this object", other.reason());
        assertFalse(allowed("get", "", "secrets", "", "other-ns", "tls"), "same name, another namespace");
        assertFalse(allowed("list", "", "secrets", "", "ns", ""), "no listing secrets");
        assertFalse(allowed("update", "", "secrets", "", "ns", "tls"), "no writing them");
        assertFalse(allowed("get", "", "configmaps", "", "ns", "unrelated"));
    }

    @Test
    void volumesAndClaimsOnlyOfItsOwnPods() {
        assertTrue(allowed("get", "", "persistentvolumeclaims", "", "ns", "data"));
        assertTrue(allowed("get", "", "persistentvolumes", "", "", "pv-a"));
        assertFalse(allowed("get", "", "persistentvolumeclaims", "", "ns", "dbdata"));
        assertFalse(allowed("get", "", "persistentvolumes", "", "", "pv-b"));
        assertFalse(allowed("list", "", "persistentvolumes", "", "", ""));
    }

    @Test
    void tokensOnlyForTheServiceAccountsOfItsPods() {
        assertTrue(allowed("create", "", "serviceaccounts", "token", "ns", "runner"));
        assertFalse(allowed("create", "", "serviceaccounts", "token", "ns", "dba"));
        assertFalse(allowed("create", "", "serviceaccounts", "token", "kube-system", "runner"));
        assertFalse(allowed("get", "", "serviceaccounts", "", "ns", "runner"));
    }

    @Test
    void itsOwnNodeAndLeaseOnly() {
        assertTrue(allowed("create", "", "nodes", "", "", ""));
        assertTrue(allowed("get", "", "nodes", "", "", "a"));
        assertTrue(allowed("patch", "", "nodes", "", "", "a"));
        assertTrue(allowed("patch", "", "nodes", "status", "", "a"));
        assertFalse(allowed("patch", "", "nodes", "", "", "b"));
        assertFalse(allowed("patch", "", "nodes", "status", "", "b"));
        assertFalse(allowed("delete", "", "nodes", "", "", "a"), "system:node cannot delete nodes");
        assertTrue(allowed("get", "coordination.k8s.io", "leases", "", "kube-node-lease", "a"));
        assertTrue(allowed("update", "coordination.k8s.io", "leases", "", "kube-node-lease", "a"));
        assertTrue(allowed("create", "coordination.k8s.io", "leases", "", "kube-node-lease", ""));
        assertFalse(allowed("update", "coordination.k8s.io", "leases", "", "kube-node-lease", "b"));
        assertFalse(allowed("get", "coordination.k8s.io", "leases", "", "kube-system", "a"));
        assertFalse(allowed("list", "coordination.k8s.io", "leases", "", "kube-node-lease", ""));
    }

    @Test
    void podStatusAndDeletionOnlyForPodsBoundToIt() {
        assertTrue(allowed("list", "", "pods", "", "", ""));
        assertTrue(allowed("watch", "", "pods", "", "", ""));
        assertTrue(allowed("patch", "", "pods", "status", "ns", "web"));
        assertTrue(allowed("delete", "", "pods", "", "ns", "web"));
        assertTrue(allowed("create", "", "pods", "", "ns", ""), "mirror pods");
        assertFalse(allowed("patch", "", "pods", "status", "ns", "db"));
        assertFalse(allowed("delete", "", "pods", "", "ns", "db"));
        assertFalse(allowed("update", "", "pods", "", "ns", "web"), "system:node cannot update pod specs");
    }

    @Test
    void eventsServicesAndEndpointsAsTheSystemNodeRole() {
        assertTrue(allowed("create", "", "events", "", "default", ""));
        assertTrue(allowed("patch", "", "events", "", "ns", "e"));
        assertTrue(allowed("list", "", "services", "", "ns", ""));
        assertTrue(allowed("get", "", "endpoints", "", "default", "kubernetes"));
        assertFalse(allowed("delete", "", "events", "", "ns", "e"));
        assertFalse(allowed("list", "", "endpoints", "", "default", ""));
        assertFalse(allowed("create", "apps", "deployments", "", "ns", ""));
    }

    @Test
    void otherUsersGetNoOpinion() {
        assertFalse(allowed(NOT_A_NODE, "get", "", "nodes", "", "", "a"), "the group is required");
        UserInfo alice = new UserInfo("alice", "", List.of("system:nodes"), Map.of());
        assertEquals(AuthorizationDecision.Outcome.NO_OPINION, node.authorize(AuthorizationAttributes.resource(alice,
                "get", "", "v1", "nodes", "", "", "a")).outcome());
    }
}
