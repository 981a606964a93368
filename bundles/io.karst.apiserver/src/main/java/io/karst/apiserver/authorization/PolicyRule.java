package io.karst.apiserver.authorization;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.security.AuthorizationAttributes;

/**
 * One {@code rbac.authorization.k8s.io/v1} PolicyRule and the matching upstream's {@code RuleAllows} does:
 * {@code *} matches any verb, group, resource or URL; a {@code *}-slash-subresource entry that subresource of any
 * resource (e.g. every scale); a URL
 * ending in {@code *} any path with that prefix; resourceNames only requests that name one of them.
 */
public record PolicyRule(List<String> verbs, List<String> apiGroups, List<String> resources,
        List<String> resourceNames, List<String> nonResourceURLs) {
    private static final String ALL = "*";

    public PolicyRule {
        verbs = List.copyOf(verbs);
        apiGroups = List.copyOf(apiGroups);
        resources = List.copyOf(resources);
        resourceNames = List.copyOf(resourceNames);
        nonResourceURLs = List.copyOf(nonResourceURLs);
    }

    public static PolicyRule of(JsonNode rule) {
        return new PolicyRule(strings(rule.path("verbs")), strings(rule.path("apiGroups")),
                strings(rule.path("resources")), strings(rule.path("resourceNames")),
                strings(rule.path("nonResourceURLs")));
    }

    public static List<PolicyRule> all(JsonNode rules) {
        List<PolicyRule> out = new ArrayList<>();
        for (JsonNode r : rules) {
            out.add(of(r));
        }
        return out;
    }

    public boolean allows(AuthorizationAttributes request) {
        if (!verbs.contains(ALL) && !verbs.contains(request.verb())) {
            return false;
        }
        if (!request.resourceRequest()) {
            return urlMatches(request.path());
        }
        String combined = request.subresource().isEmpty() ? request.resource()
                : request.resource() + "/" + request.subresource();
        return groupMatches(request.apiGroup()) && resourceMatches(combined, request.subresource())
                && nameMatches(request.name());
    }

    private boolean groupMatches(String group) {
        return apiGroups.contains(ALL) || apiGroups.contains(group);
    }

    private boolean resourceMatches(String combined, String subresource) {
        for (String r : resources) {
            if (r.equals(ALL) || r.equals(combined)) {
                return true;
            }
            if (!subresource.isEmpty() && r.equals("*/" + subresource)) {
                return true;
            }
        }
        return false;
    }

    private boolean nameMatches(String name) {
        return resourceNames.isEmpty() || resourceNames.contains(name);
    }

    private boolean urlMatches(String path) {
        for (String url : nonResourceURLs) {
            if (url.equals(ALL) || url.equals(path)) {
                return true;
            }
            if (url.endsWith(ALL) && path.startsWith(url.substring(0, url.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : array) {
            out.add(s.asText());
        }
        return out;
    }
}
