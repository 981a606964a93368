package io.karst.apiserver.authorization;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where the RBAC authorizer reads Roles, ClusterRoles and their bindings: the API server's watch cache. */
public interface RbacObjects {

    List<ObjectNode> clusterRoleBindings();

    List<ObjectNode> roleBindings(String namespace);

    Optional<ObjectNode> clusterRole(String name);

    Optional<ObjectNode> role(String namespace, String name);
}
