package io.karst.apiserver.authorization;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.UserInfo;

/**
 * Turns an HTTP request into authorization attributes the way upstream's {@code RequestInfoFactory} does, so that
 * a rule written for kube-apiserver means the same here: paths under {@code /api/v1/...} and
 * {@code /apis/<group>/<version>/...} are resource requests whose verb comes from the method (and from a name, a
 * {@code watch} parameter or a {@code /watch/} segment); every other path is a non-resource request whose verb is
 * the lower-case method.
 */
public final class RequestAttributes {
    /** Verbs written as a path segment before the resource ({@code /api/v1/watch/pods}). */
    private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
    /** Segments after {@code namespaces/<name>} that are its subresources, not resources inside it. */
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    private RequestAttributes() {
    }

    public static AuthorizationAttributes of(UserInfo user, String method, String path,
            Map<String, List<String>> query) {
        List<String> parts = split(path);
        if (parts.size() < 3 || !(parts.get(0).equals("api") || parts.get(0).equals("apis"))) {
            return AuthorizationAttributes.nonResource(user, method.toLowerCase(Locale.ROOT), path);
        }
        String group = "";
        int at = 1;
        if (parts.get(0).equals("apis")) {
            if (parts.size() < 4) {
                return AuthorizationAttributes.nonResource(user, method.toLowerCase(Locale.ROOT), path);
            }
            group = parts.get(1);
            at = 2;
        }
        String version = parts.get(at);
        List<String> rest = new ArrayList<>(parts.subList(at + 1, parts.size()));
        String verb;
        if (SPECIAL_VERBS.contains(rest.get(0))) {
            if (rest.size() < 2) {
                // upstream: "unable to determine kind and namespace from url"; nothing a rule can grant
                return AuthorizationAttributes.resource(user, rest.get(0), group, version, "", "", "", "");
            }
            verb = rest.remove(0);
        } else {
            verb = switch (method.toUpperCase(Locale.ROOT)) {
                case "POST" -> "create";
                case "GET", "HEAD" -> "get";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> "";
            };
        }
        String namespace = "";
        if (rest.get(0).equals("namespaces") && rest.size() > 1) {
            namespace = rest.get(1);
            if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
                rest = rest.subList(2, rest.size());
            }
        }
        String resource = rest.get(0);
        String name = rest.size() >= 2 ? rest.get(1) : "";
        String subresource = rest.size() >= 3 && !verb.equals("proxy") ? rest.get(2) : "";
        if (name.isEmpty() && verb.equals("get")) {
            verb = watchRequested(query) ? "watch" : "list";
            // a list narrowed to one object by metadata.name is authorized as that object, as upstream does
            name = exactName(query);
        }
        if (name.isEmpty() && verb.equals("delete")) {
            verb = "deletecollection";
        }
        return AuthorizationAttributes.resource(user, verb, group, version, resource, subresource, namespace, name);
    }

    private static boolean watchRequested(Map<String, List<String>> query) {
        List<String> values = query.get("watch");
        if (values == null || values.isEmpty()) {
            return false;
        }
        String v = values.get(0).toLowerCase(Locale.ROOT);
        return !(v.equals("false") || v.equals("0"));
    }

    private static String exactName(Map<String, List<String>> query) {
        List<String> values = query.get("fieldSelector");
        if (values == null || values.isEmpty()) {
            return "";
        }
        String found = "";
        for (String term : values.get(0).split(",")) {
            String t = term.trim();
            String value = null;
            if (t.startsWith("metadata.name==")) {
                value = t.substring("metadata.name==".length());
            } else if (t.startsWith("metadata.name=")) {
                value = t.substring("metadata.name=".length());
            }
            if (value != null) {
                found = value.trim();
            }
        }
        // upstream keeps the name only when it is a valid path segment
        return found.equals(".") || found.equals("..") || found.contains("/") || found.contains("%") ? "" : found;
    }

    private static List<String> split(String path) {
        String trimmed = path;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/"));
    }
}
