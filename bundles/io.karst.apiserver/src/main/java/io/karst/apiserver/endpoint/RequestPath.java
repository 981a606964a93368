package io.karst.apiserver.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A resource URL taken apart as kube-apiserver's RequestInfo does:
 * {@code /api/v1[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]} and the same under
 * {@code /apis/{group}/{version}}. Discovery paths ({@code /api}, {@code /apis/apps}, ...) are not resource URLs.
 *
 * @param watch the legacy {@code /watch/} prefix was used
 * @param namespace null for cluster-scoped URLs
 * @param name null for collections
 * @param subresource null for the object itself
 * @param subpath what follows a {@code proxy} subresource ({@code nodes/{name}/proxy/stats/summary} →
 *        {@code stats/summary}, trailing slash kept); null for other URLs
 */
public record RequestPath(String group, String version, boolean watch, String namespace, String resource,
        String name, String subresource, String subpath) {

    public RequestPath(String group, String version, boolean watch, String namespace, String resource, String name,
            String subresource) {
        this(group, version, watch, namespace, resource, name, subresource, null);
    }

    /** Parses a resource URL; empty for anything else. */
    public static Optional<RequestPath> parse(String path) {
        List<String> parts = segments(path);
        String group;
        String version;
        int i;
        if (parts.size() >= 3 && parts.get(0).equals("api")) {
            group = "";
            version = parts.get(1);
            i = 2;
        } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            version = parts.get(2);
            i = 3;
        } else {
            return Optional.empty();
        }
        boolean watch = false;
        if (parts.get(i).equals("watch")) {
            watch = true;
            i++;
        }
        List<String> rest = parts.subList(i, parts.size());
        if (rest.isEmpty()) {
            return Optional.empty();
        }
        String namespace = null;
        if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
            namespace = rest.get(1);
            if (rest.size() == 3 && group.isEmpty() && (rest.get(2).equals("status")
                    || rest.get(2).equals("finalize"))) {
                // namespaces/{name}/status and /finalize: subresources of the namespace itself
                return Optional.of(new RequestPath(group, version, watch, null, "namespaces", rest.get(1),
                        rest.get(2)));
            }
            rest = rest.subList(2, rest.size());
        }
        if (rest.size() > 3) {
            if (!rest.get(2).equals("proxy")) {
                return Optional.empty();
            }
            return Optional.of(new RequestPath(group, version, watch, namespace, rest.get(0), rest.get(1), "proxy",
                    proxyTail(path, parts.size() - rest.size() + 3)));
        }
        return Optional.of(new RequestPath(group, version, watch, namespace, rest.get(0),
                rest.size() > 1 ? rest.get(1) : null, rest.size() > 2 ? rest.get(2) : null));
    }

    /** The raw path after its first {@code skip} segments, so that a trailing slash the client sent stays. */
    private static String proxyTail(String path, int skip) {
        int i = 0;
        int seen = 0;
        while (seen < skip) {
            while (i < path.length() && path.charAt(i) == '/') {
                i++;
            }
            while (i < path.length() && path.charAt(i) != '/') {
                i++;
            }
            seen++;
        }
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        return path.substring(i);
    }

    private static List<String> segments(String path) {
        List<String> parts = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return parts;
    }

    public boolean isCollection() {
        return name == null;
    }
}
