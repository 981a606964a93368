package io.karst.apiserver.authorization;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.endpoint.ObjectAdmission;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;

/**
 * Upstream's RBAC privilege-escalation prevention (pkg/registry/rbac policybased storage): a user may write a
 * Role or ClusterRole only with rules they already hold where it applies, unless they may {@code escalate} it; and
 * a RoleBinding or ClusterRoleBinding only to a role whose rules they hold, unless they may {@code bind} it.
 * Members of {@code system:masters} and the API server's own writes (no request user) are never checked. Before
 * {@link #enforce} (authorization not yet started) only the API server writes, and nothing is checked.
 */
public final class EscalationAdmission implements ObjectAdmission {
    static final String RBAC_GROUP = "rbac.authorization.k8s.io";
    private static final List<PolicyRule> FULL_AUTHORITY = List.of(
            new PolicyRule(List.of("*"), List.of("*"), List.of("*"), List.of(), List.of()),
            new PolicyRule(List.of("*"), List.of(), List.of(), List.of(), List.of("*")));

    private record Policy(AuthorizationChain authorization, RbacAuthorizer rbac, RbacObjects objects) {
    }

    private volatile Policy policy;

    /** Starts checking, with the chain that answers escalate and bind and the RBAC rules a user holds. */
    public void enforce(AuthorizationChain authorization, RbacAuthorizer rbac, RbacObjects objects) {
        policy = new Policy(authorization, rbac, objects);
    }

    @Override
    public void admitCreate(ResourceType type, ObjectNode object) {
        check(type, object, null);
    }

    @Override
    public void admitUpdate(ResourceType type, String subresource, ObjectNode object, ObjectNode old) {
        if (subresource == null) {
            check(type, object, old);
        }
    }

    private void check(ResourceType type, ObjectNode object, ObjectNode old) {
        Policy p = policy;
        Optional<UserInfo> user = RequestUser.current();
        if (p == null || user.isEmpty() || !type.group().equals(RBAC_GROUP)
                || user.get().groups().contains(AuthorizationChain.PRIVILEGED_GROUP)) {
            return;
        }
        if (old != null && onlyGarbageCollectionFields(object, old)) {
            return;
        }
        switch (type.plural()) {
            case "roles", "clusterroles" -> checkRole(p, user.get(), type.plural(), object, old);
            case "rolebindings", "clusterrolebindings" -> checkBinding(p, user.get(), type.plural(), object);
            default -> {
            }
        }
    }

    private static void checkRole(Policy p, UserInfo user, String resource, ObjectNode role, ObjectNode old) {
        String name = role.path("metadata").path("name").asText();
        String namespace = role.path("metadata").path("namespace").asText("");
        // upstream asks with the request's name, which a create (POST to the collection) does not have
        AuthorizationAttributes escalate = AuthorizationAttributes.resource(user, "escalate", RBAC_GROUP, "*",
                resource, "", namespace, old == null ? "" : name);
        if (p.authorization().authorize(escalate).allowed()) {
            return;
        }
        confirmNoEscalation(p, user, resource, name, namespace, PolicyRule.all(role.path("rules")));
        if (resource.equals("clusterroles") && (aggregates(role) || old != null && aggregates(old))) {
            // an aggregation rule can gather any rule, and changing it can stop a tightening: it takes cluster-admin
            List<String> errors = new ArrayList<>();
            if (!RuleCoverage.uncovered(p.rbac().rulesFor(user, "", errors), FULL_AUTHORITY).isEmpty()) {
                throw ApiException.forbidden(resource, RBAC_GROUP, name,
                        "must have cluster-admin privileges to use the aggregationRule");
            }
        }
    }

    private static void checkBinding(Policy p, UserInfo user, String resource, ObjectNode binding) {
        String name = binding.path("metadata").path("name").asText();
        String namespace = resource.equals("rolebindings") ? binding.path("metadata").path("namespace").asText("")
                : "";
        JsonNode ref = binding.path("roleRef");
        String kind = ref.path("kind").asText();
        String roleName = ref.path("name").asText();
        String roleResource = kind.equals("ClusterRole") ? "clusterroles" : kind.equals("Role") ? "roles" : null;
        if (roleResource != null) {
            AuthorizationAttributes bind = AuthorizationAttributes.resource(user, "bind", ref.path("apiGroup")
                    .asText(""), "", roleResource, "", namespace, roleName);
            if (p.authorization().authorize(bind).allowed()) {
                return;
            }
        }
        Optional<ObjectNode> role = roleResource == null ? Optional.empty()
                : kind.equals("ClusterRole") ? p.objects().clusterRole(roleName)
                        : p.objects().role(namespace, roleName);
        if (role.isEmpty()) {
            // upstream returns the lister's NotFound as it is (a roleRef of another kind fails validation)
            throw ApiException.notFound(kind.toLowerCase(java.util.Locale.ROOT), RBAC_GROUP, roleName);
        }
        confirmNoEscalation(p, user, resource, name, namespace, PolicyRule.all(role.get().path("rules")));
    }

    /** Upstream's ConfirmNoEscalation: the user's RBAC rules where the object applies must cover {@code rules}. */
    private static void confirmNoEscalation(Policy p, UserInfo user, String resource, String name, String namespace,
            List<PolicyRule> rules) {
        List<String> errors = new ArrayList<>();
        List<PolicyRule> missing = RuleCoverage.uncovered(p.rbac().rulesFor(user, namespace, errors), rules);
        if (missing.isEmpty()) {
            return;
        }
        TreeSet<String> descriptions = new TreeSet<>();
        for (PolicyRule rule : missing) {
            descriptions.add(RuleCoverage.describe(rule));
        }
        String message = "user \"" + user.name() + "\" (groups=" + RuleCoverage.goQuoted(user.groups())
                + ") is attempting to grant RBAC permissions not currently held:\n" + String.join("\n", descriptions);
        if (!errors.isEmpty()) {
            // upstream lists one aggregate error, printed in brackets of its own when it holds more than one
            String aggregate = errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]";
            message = message + "; resolution errors: [" + aggregate + "]";
        }
        throw ApiException.forbidden(resource, RBAC_GROUP, name, message);
    }

    private static boolean aggregates(JsonNode clusterRole) {
        return clusterRole.path("aggregationRule").path("clusterRoleSelectors").size() > 0;
    }

    /**
     * Upstream's IsOnlyMutatingGCFields: an update that changes nothing but owner references and finalizers (so
     * the garbage collector can remove the object) is never an escalation. The fields the server itself sets on
     * every write are left out of the comparison.
     */
    static boolean onlyGarbageCollectionFields(ObjectNode object, ObjectNode old) {
        return withoutGcFields(object).equals(withoutGcFields(old));
    }

    private static ObjectNode withoutGcFields(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode meta) {
            for (String field : List.of("ownerReferences", "finalizers", "selfLink", "deletionTimestamp",
                    "deletionGracePeriodSeconds", "resourceVersion", "managedFields", "generation")) {
                meta.remove(field);
            }
        }
        return copy;
    }
}
