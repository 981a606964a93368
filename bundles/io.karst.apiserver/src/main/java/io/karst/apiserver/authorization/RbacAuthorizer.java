package io.karst.apiserver.authorization;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.AuthorizationDecision;
import io.karst.api.security.Authorizer;
import io.karst.api.security.UserInfo;

/**
 * Upstream's RBAC authorizer: allows a request when a rule of a role bound to the user (ClusterRoleBindings
 * everywhere, RoleBindings in their namespace) matches it; otherwise no opinion, with the lookups that failed
 * (a binding to a missing role) as the reason, since RBAC never denies.
 */
public final class RbacAuthorizer implements Authorizer {
    /** Asked after the Node authorizer, as {@code --authorization-mode=Node,RBAC} orders them. */
    public static final int RANKING = 100;

    private final RbacObjects objects;

    public RbacAuthorizer(RbacObjects objects) {
        this.objects = objects;
    }

    @Override
    public AuthorizationDecision authorize(AuthorizationAttributes request) {
        List<String> errors = new ArrayList<>();
        for (ObjectNode binding : objects.clusterRoleBindings()) {
            if (BindingSubjects.appliesTo(binding, request.user(), "")) {
                Optional<String> allowedBy = allowedBy(binding, "", request, errors);
                if (allowedBy.isPresent()) {
                    return AuthorizationDecision.allow("RBAC: allowed by ClusterRoleBinding \""
                            + name(binding) + "\" of " + allowedBy.get() + " to " + describe(request.user()));
                }
            }
        }
        if (!request.namespace().isEmpty()) {
            for (ObjectNode binding : objects.roleBindings(request.namespace())) {
                if (BindingSubjects.appliesTo(binding, request.user(), request.namespace())) {
                    Optional<String> allowedBy = allowedBy(binding, request.namespace(), request, errors);
                    if (allowedBy.isPresent()) {
                        return AuthorizationDecision.allow("RBAC: allowed by RoleBinding \"" + name(binding) + "/"
                                + request.namespace() + "\" of " + allowedBy.get() + " to "
                                + describe(request.user()));
                    }
                }
            }
        }
        return AuthorizationDecision.noOpinion(errors.isEmpty() ? "" : "RBAC: " + String.join(", ", errors));
    }

    /** Every rule that applies to the user in a namespace (or cluster-wide for ""), for rules reviews. */
    public List<PolicyRule> rulesFor(UserInfo user, String namespace, List<String> errors) {
        List<PolicyRule> rules = new ArrayList<>();
        for (ObjectNode binding : objects.clusterRoleBindings()) {
            if (BindingSubjects.appliesTo(binding, user, "")) {
                role(binding, "", errors).ifPresent(r -> rules.addAll(PolicyRule.all(r.path("rules"))));
            }
        }
        if (!namespace.isEmpty()) {
            for (ObjectNode binding : objects.roleBindings(namespace)) {
                if (BindingSubjects.appliesTo(binding, user, namespace)) {
                    role(binding, namespace, errors).ifPresent(r -> rules.addAll(PolicyRule.all(r.path("rules"))));
                }
            }
        }
        return rules;
    }

    private Optional<String> allowedBy(JsonNode binding, String namespace, AuthorizationAttributes request,
            List<String> errors) {
        Optional<ObjectNode> role = role(binding, namespace, errors);
        if (role.isEmpty()) {
            return Optional.empty();
        }
        for (JsonNode rule : role.get().path("rules")) {
            if (PolicyRule.of(rule).allows(request)) {
                String kind = binding.path("roleRef").path("kind").asText();
                return Optional.of(kind + " \"" + name(role.get()) + "\"");
            }
        }
        return Optional.empty();
    }

    private Optional<ObjectNode> role(JsonNode binding, String namespace, List<String> errors) {
        JsonNode ref = binding.path("roleRef");
        String roleName = ref.path("name").asText();
        Optional<ObjectNode> role;
        if (ref.path("kind").asText().equals("ClusterRole")) {
            role = objects.clusterRole(roleName);
            if (role.isEmpty()) {
                errors.add("clusterrole.rbac.authorization.k8s.io \"" + roleName + "\" not found");
            }
        } else if (ref.path("kind").asText().equals("Role") && !namespace.isEmpty()) {
            role = objects.role(namespace, roleName);
            if (role.isEmpty()) {
                errors.add("role.rbac.authorization.k8s.io \"" + roleName + "\" not found");
            }
        } else {
            role = Optional.empty();
        }
        return role;
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    private static String describe(UserInfo user) {
        if (user.name().startsWith("system:serviceaccount:")) {
            return "ServiceAccount \"" + user.name().substring("system:serviceaccount:".length()) + "\"";
        }
        return "User \"" + user.name() + "\"";
    }
}
