package io.karst.apiserver.authorization;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.AuthorizationDecision;
import io.karst.api.security.Authorizer;

/**
 * Upstream's Node authorizer for kubelets ({@code system:node:<name>} in {@code system:nodes}): Secrets,
 * ConfigMaps, PersistentVolumeClaims, PersistentVolumes and service-account tokens only for the pods bound to the
 * node; its own Lease in {@code kube-node-lease}; everything else by the {@code system:node} role's rules. Karst
 * has no NodeRestriction admission plugin, so the writes it would confine are confined here where the request
 * names the object: a node may modify only its own Node and only pods bound to it. Other users: no opinion.
 */
public final class NodeAuthorizer implements Authorizer {
    /** Asked before RBAC, as {@code --authorization-mode=Node,RBAC} orders them. */
    public static final int RANKING = 200;
    static final String NODES_GROUP = "system:nodes";
    static final String NODE_USER_PREFIX = "system:node:";
    static final String NODE_LEASE_NAMESPACE = "kube-node-lease";
    private static final Set<String> READ = Set.of("get", "list", "watch");
    private static final Set<String> LEASE_VERBS = Set.of("get", "create", "update", "patch", "delete");

    private final NodeObjects objects;
    private final List<PolicyRule> nodeRules;

    public NodeAuthorizer(NodeObjects objects, List<PolicyRule> nodeRules) {
        this.objects = objects;
        this.nodeRules = List.copyOf(nodeRules);
    }

    @Override
    public AuthorizationDecision authorize(AuthorizationAttributes request) {
        if (!request.user().groups().contains(NODES_GROUP) || !request.user().name().startsWith(NODE_USER_PREFIX)) {
            return AuthorizationDecision.noOpinion("");
        }
        String node = request.user().name().substring(NODE_USER_PREFIX.length());
        if (node.isEmpty()) {
            return AuthorizationDecision.noOpinion("unknown node for user \"" + request.user().name() + "\"");
        }
        if (request.resourceRequest()) {
            String group = request.apiGroup();
            String resource = request.resource();
            if (group.isEmpty()) {
                switch (resource) {
                    case "secrets":
                        return readNamespaced(node, request, PodReferences::secrets);
                    case "configmaps":
                        return readNamespaced(node, request, PodReferences::configMaps);
                    case "persistentvolumeclaims":
                        return readNamespaced(node, request, PodReferences::claims);
                    case "persistentvolumes":
                        return getVolume(node, request);
                    case "serviceaccounts":
                        if (request.subresource().equals("token")) {
                            return createToken(node, request);
                        }
                        break;
                    case "nodes":
                        if (isWrite(request) && !request.name().isEmpty() && !request.name().equals(node)) {
                            return AuthorizationDecision.noOpinion("node \"" + node
                                    + "\" is not allowed to modify node \"" + request.name() + "\"");
                        }
                        break;
                    case "pods":
                        if (isWrite(request) && !request.name().isEmpty()) {
                            Optional<ObjectNode> pod = objects.pod(request.namespace(), request.name());
                            if (pod.isPresent() && !node.equals(boundNode(pod.get()))) {
                                return AuthorizationDecision.noOpinion("node \"" + node
                                        + "\" can only modify pods with spec.nodeName set to itself");
                            }
                        }
                        break;
                    default:
                        break;
                }
            } else if (group.equals("coordination.k8s.io") && resource.equals("leases")) {
                return lease(node, request);
            } else if (group.equals("storage.k8s.io") && resource.equals("csinodes") && isWrite(request)
                    && !request.verb().equals("create") && !request.name().equals(node)) {
                return AuthorizationDecision.noOpinion("can only access CSINode with the same name as the "
                        + "requesting node");
            }
        }
        for (PolicyRule rule : nodeRules) {
            if (rule.allows(request)) {
                return AuthorizationDecision.allow("");
            }
        }
        return AuthorizationDecision.noOpinion("");
    }

    private AuthorizationDecision readNamespaced(String node, AuthorizationAttributes request,
            java.util.function.Function<JsonNode, Set<String>> references) {
        if (!READ.contains(request.verb())) {
            return AuthorizationDecision.noOpinion("can only read resources of this type");
        }
        if (!request.subresource().isEmpty()) {
            return AuthorizationDecision.noOpinion("cannot read subresource");
        }
        if (request.namespace().isEmpty()) {
            return AuthorizationDecision.noOpinion("can only read namespaced object of this type");
        }
        if (request.name().isEmpty()) {
            return AuthorizationDecision.noOpinion("No Object name found");
        }
        for (ObjectNode pod : objects.podsOn(node)) {
            if (request.namespace().equals(pod.path("metadata").path("namespace").asText())
                    && references.apply(pod).contains(request.name())) {
                return AuthorizationDecision.allow("");
            }
        }
        return noRelationship(node);
    }

    private AuthorizationDecision getVolume(String node, AuthorizationAttributes request) {
        if (!request.verb().equals("get")) {
            return AuthorizationDecision.noOpinion("can only get individual resources of this type");
        }
        if (!request.subresource().isEmpty()) {
            return AuthorizationDecision.noOpinion("cannot get subresource");
        }
        if (request.name().isEmpty()) {
            return AuthorizationDecision.noOpinion("No Object name found");
        }
        for (ObjectNode pod : objects.podsOn(node)) {
            String namespace = pod.path("metadata").path("namespace").asText();
            for (String claim : PodReferences.claims(pod)) {
                Optional<ObjectNode> pvc = objects.persistentVolumeClaim(namespace, claim);
                if (pvc.isPresent() && request.name().equals(pvc.get().path("spec").path("volumeName").asText())) {
                    return AuthorizationDecision.allow("");
                }
            }
        }
        return noRelationship(node);
    }

    private AuthorizationDecision createToken(String node, AuthorizationAttributes request) {
        if (!request.verb().equals("create") || request.name().isEmpty()) {
            return AuthorizationDecision.noOpinion("can only create tokens for individual service accounts");
        }
        for (ObjectNode pod : objects.podsOn(node)) {
            if (request.namespace().equals(pod.path("metadata").path("namespace").asText())
                    && request.name().equals(PodReferences.serviceAccount(pod))) {
                return AuthorizationDecision.allow("");
            }
        }
        return noRelationship(node);
    }

    private static AuthorizationDecision lease(String node, AuthorizationAttributes request) {
        if (!LEASE_VERBS.contains(request.verb())) {
            return AuthorizationDecision.noOpinion("can only get, create, update, patch, or delete a node lease");
        }
        if (!request.namespace().equals(NODE_LEASE_NAMESPACE)) {
            return AuthorizationDecision.noOpinion("can only access leases in the \"" + NODE_LEASE_NAMESPACE
                    + "\" system namespace");
        }
        // a create names no object in its path; upstream leaves that check to NodeRestriction admission
        if (!request.verb().equals("create") && !request.name().equals(node)) {
            return AuthorizationDecision.noOpinion("can only access node lease with the same name as the "
                    + "requesting node");
        }
        return AuthorizationDecision.allow("");
    }

    private static boolean isWrite(AuthorizationAttributes request) {
        return !READ.contains(request.verb());
    }

    private static String boundNode(JsonNode pod) {
        return pod.path("spec").path("nodeName").asText("");
    }

    private static AuthorizationDecision noRelationship(String node) {
        return AuthorizationDecision.noOpinion("no relationship found between node '" + node + "' and this object");
    }
}
