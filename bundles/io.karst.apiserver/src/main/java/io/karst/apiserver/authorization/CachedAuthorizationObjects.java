package io.karst.apiserver.authorization;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.InformerFactory;

/**
 * RBAC objects, pods and claims as the authorizers read them: shared informers of the API server's in-process
 * client, fed by its watch cache, so a binding written is in force as soon as its watch event arrives (well
 * under a second) and no request reads the datastore to be authorized.
 */
public final class CachedAuthorizationObjects implements RbacObjects, NodeObjects {
    private static final String BY_NODE = "spec.nodeName";

    private final Informer clusterRoles;
    private final Informer clusterRoleBindings;
    private final Informer roles;
    private final Informer roleBindings;
    private final Informer pods;
    private final Informer claims;

    public CachedAuthorizationObjects(InformerFactory informers) {
        clusterRoles = informers.informer(RbacKeys.CLUSTER_ROLES);
        clusterRoleBindings = informers.informer(RbacKeys.CLUSTER_ROLE_BINDINGS);
        roles = informers.informer(RbacKeys.ROLES);
        roleBindings = informers.informer(RbacKeys.ROLE_BINDINGS);
        pods = informers.informer(RbacKeys.PODS);
        pods.addIndex(BY_NODE, pod -> List.of(pod.path("spec").path("nodeName").asText("")));
        claims = informers.informer(RbacKeys.CLAIMS);
    }

    /** Starts the informers; waits (bounded) for their first list so the first requests see the policy. */
    public void start(Duration timeout) throws InterruptedException {
        for (Informer i : List.of(clusterRoles, clusterRoleBindings, roles, roleBindings, pods, claims)) {
            i.start();
        }
        for (Informer i : List.of(clusterRoles, clusterRoleBindings, roles, roleBindings, pods, claims)) {
            i.waitForSync(timeout);
        }
    }

    public Informer clusterRoleInformer() {
        return clusterRoles;
    }

    @Override
    public List<ObjectNode> clusterRoleBindings() {
        return clusterRoleBindings.lister().list();
    }

    @Override
    public List<ObjectNode> roleBindings(String namespace) {
        return roleBindings.lister().list(namespace);
    }

    @Override
    public Optional<ObjectNode> clusterRole(String name) {
        return clusterRoles.lister().get(null, name);
    }

    @Override
    public Optional<ObjectNode> role(String namespace, String name) {
        return roles.lister().get(namespace, name);
    }

    @Override
    public List<ObjectNode> podsOn(String nodeName) {
        return pods.lister().byIndex(BY_NODE, nodeName);
    }

    @Override
    public Optional<ObjectNode> pod(String namespace, String name) {
        return pods.lister().get(namespace, name);
    }

    @Override
    public Optional<ObjectNode> persistentVolumeClaim(String namespace, String name) {
        return claims.lister().get(namespace, name);
    }
}
