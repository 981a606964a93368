package io.karst.apiserver.authorization;

import io.karst.api.client.ResourceKey;

/** The resources authorization reads. */
final class RbacKeys {
    static final String GROUP = "rbac.authorization.k8s.io";
    static final ResourceKey CLUSTER_ROLES = new ResourceKey(GROUP, "v1", "clusterroles");
    static final ResourceKey CLUSTER_ROLE_BINDINGS = new ResourceKey(GROUP, "v1", "clusterrolebindings");
    static final ResourceKey ROLES = new ResourceKey(GROUP, "v1", "roles");
    static final ResourceKey ROLE_BINDINGS = new ResourceKey(GROUP, "v1", "rolebindings");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey CLAIMS = new ResourceKey("", "v1", "persistentvolumeclaims");

    private RbacKeys() {
    }
}
