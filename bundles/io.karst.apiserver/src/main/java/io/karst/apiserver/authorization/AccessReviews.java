package io.karst.apiserver.authorization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.AuthorizationDecision;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.status.ApiException;

/**
 * The review resources, answered at once and never stored, as upstream's: {@code authorization.k8s.io/v1}
 * SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectAccessReview (the chain's decision on the attributes
 * asked about, what {@code kubectl auth can-i} sends), SelfSubjectRulesReview (the rules bound to the user in a
 * namespace, {@code can-i --list}), and {@code authentication.k8s.io/v1} SelfSubjectReview ({@code auth whoami}).
 */
public final class AccessReviews {
    private static final Set<String> RESOURCES = Set.of("selfsubjectreviews", "subjectaccessreviews",
            "localsubjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews");
    private static final String AUTHZ = "authorization.k8s.io";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AuthorizationChain chain;
    private final RbacAuthorizer rbac;
    private final List<PolicyRule> nodeRules;

    public AccessReviews(AuthorizationChain chain, RbacAuthorizer rbac, List<PolicyRule> nodeRules) {
        this.chain = chain;
        this.rbac = rbac;
        this.nodeRules = List.copyOf(nodeRules);
    }

    public static boolean handles(String group, String plural) {
        return RESOURCES.contains(plural) && (group.equals(AUTHZ) || group.equals("authentication.k8s.io"));
    }

    /** The review with its status filled in, for {@code user}'s POST to {@code plural} (in {@code namespace}). */
    public ObjectNode answer(String plural, String namespace, UserInfo user, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        ObjectNode review = ((ObjectNode) body).deepCopy();
        String kind = switch (plural) {
            case "selfsubjectreviews" -> "SelfSubjectReview";
            case "subjectaccessreviews" -> "SubjectAccessReview";
            case "localsubjectaccessreviews" -> "LocalSubjectAccessReview";
            case "selfsubjectaccessreviews" -> "SelfSubjectAccessReview";
            default -> "SelfSubjectRulesReview";
        };
        review.put("apiVersion", (plural.equals("selfsubjectreviews") ? "authentication.k8s.io" : AUTHZ) + "/v1");
        review.put("kind", kind);
        ObjectNode meta = review.with("metadata");
        meta.putNull("creationTimestamp");
        JsonNode spec = review.path("spec");
        switch (plural) {
            case "selfsubjectreviews" -> review.set("status", NODES.objectNode().set("userInfo", userInfo(user)));
            case "selfsubjectaccessreviews" -> review.set("status", decide(kind, spec, user, null));
            case "subjectaccessreviews" -> review.set("status", decide(kind, spec, subject(kind, spec), null));
            case "localsubjectaccessreviews" -> review.set("status", decide(kind, spec, subject(kind, spec),
                    namespace));
            default -> review.set("status", rules(user, spec.path("namespace").asText("")));
        }
        return review;
    }

    private ObjectNode decide(String kind, JsonNode spec, UserInfo user, String pathNamespace) {
        boolean resource = spec.path("resourceAttributes").isObject();
        boolean nonResource = spec.path("nonResourceAttributes").isObject();
        if (resource == nonResource) {
            throw invalid(kind, resource ? "spec.nonResourceAttributes" : "spec.resourceAttributes",
                    resource ? "\"{}\"" : "\"null\"",
                    "exactly one of nonResourceAttributes or resourceAttributes must be specified");
        }
        AuthorizationAttributes attributes;
        if (resource) {
            JsonNode r = spec.path("resourceAttributes");
            String namespace = r.path("namespace").asText("");
            if (pathNamespace != null) {
                if (!namespace.equals(pathNamespace)) {
                    throw invalid(kind, "spec.resourceAttributes.namespace", "\"" + namespace + "\"",
                            "must match metadata.namespace");
                }
            }
            attributes = AuthorizationAttributes.resource(user, r.path("verb").asText(""),
                    r.path("group").asText(""), r.path("version").asText(""), r.path("resource").asText(""),
                    r.path("subresource").asText(""), namespace, r.path("name").asText(""));
        } else {
            JsonNode n = spec.path("nonResourceAttributes");
            attributes = AuthorizationAttributes.nonResource(user, n.path("verb").asText(""),
                    n.path("path").asText(""));
        }
        AuthorizationDecision d = chain.authorize(attributes);
        ObjectNode status = NODES.objectNode();
        status.put("allowed", d.allowed());
        if (d.outcome() == AuthorizationDecision.Outcome.DENY) {
            status.put("denied", true);
        }
        if (!d.reason().isEmpty()) {
            status.put("reason", d.reason());
        }
        return status;
    }

    private ObjectNode rules(UserInfo user, String namespace) {
        List<String> errors = new ArrayList<>();
        List<PolicyRule> rules = new ArrayList<>();
        if (user.groups().contains(AuthorizationChain.PRIVILEGED_GROUP)) {
            rules.add(new PolicyRule(List.of("*"), List.of("*"), List.of("*"), List.of(), List.of()));
            rules.add(new PolicyRule(List.of("*"), List.of(), List.of(), List.of(), List.of("*")));
        }
        if (user.groups().contains(NodeAuthorizer.NODES_GROUP) && user.name().startsWith(NodeAuthorizer.NODE_USER_PREFIX)) {
            rules.addAll(nodeRules);
        }
        rules.addAll(rbac.rulesFor(user, namespace, errors));
        ObjectNode status = NODES.objectNode();
        ArrayNode resourceRules = status.putArray("resourceRules");
        ArrayNode nonResourceRules = status.putArray("nonResourceRules");
        for (PolicyRule r : rules) {
            if (!r.nonResourceURLs().isEmpty()) {
                ObjectNode rule = nonResourceRules.addObject();
                strings(rule.putArray("verbs"), r.verbs());
                strings(rule.putArray("nonResourceURLs"), r.nonResourceURLs());
            } else {
                ObjectNode rule = resourceRules.addObject();
                strings(rule.putArray("verbs"), r.verbs());
                strings(rule.putArray("apiGroups"), r.apiGroups());
                strings(rule.putArray("resources"), r.resources());
                if (!r.resourceNames().isEmpty()) {
                    strings(rule.putArray("resourceNames"), r.resourceNames());
                }
            }
        }
        // the Node authorizer's per-object checks cannot be listed as rules, as upstream says of nodes
        status.put("incomplete", !errors.isEmpty());
        if (!errors.isEmpty()) {
            status.put("evaluationError", String.join(", ", errors));
        }
        return status;
    }

    private static UserInfo subject(String kind, JsonNode spec) {
        String name = spec.path("user").asText("");
        List<String> groups = new ArrayList<>();
        spec.path("groups").forEach(g -> groups.add(g.asText()));
        if (name.isEmpty() && groups.isEmpty()) {
            throw invalid(kind, "spec.user", "\"\"", "at least one of user or group must be specified");
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        spec.path("extra").properties().forEach(e -> {
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            extra.put(e.getKey(), values);
        });
        return new UserInfo(name, spec.path("uid").asText(""), groups, extra);
    }

    private static ObjectNode userInfo(UserInfo user) {
        ObjectNode info = NODES.objectNode();
        info.put("username", user.name());
        if (!user.uid().isEmpty()) {
            info.put("uid", user.uid());
        }
        strings(info.putArray("groups"), user.groups());
        if (!user.extra().isEmpty()) {
            ObjectNode extra = info.putObject("extra");
            user.extra().forEach((k, v) -> strings(extra.putArray(k), v));
        }
        return info;
    }

    private static ApiException invalid(String kind, String field, String value, String detail) {
        String message = "Invalid value: " + value + ": " + detail;
        // upstream names the kind qualified by its group in the message, and unqualified in the details
        return new ApiException(422, "Invalid", kind + "." + AUTHZ + " \"\" is invalid: " + field + ": " + message,
                new ApiException.Details("", AUTHZ, kind, List.of(new ApiException.Cause("FieldValueInvalid",
                        message, field)), 0));
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
