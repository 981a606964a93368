package io.karst.apiserver.endpoint;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import io.karst.api.node.KubeletHttp;
import io.karst.api.node.KubeletHttpResponse;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * {@code nodes/{name}/proxy[/{path}]} ({@code NodeProxyOptions}), as upstream's node proxy: the request goes to the
 * node's kubelet at {@code /{path}} (or the {@code path} query parameter) with the rest of the query, every method
 * kube-apiserver proxies, and the kubelet's answer comes back as it is. Karst's kubelets listen on no port: the
 * node's {@link KubeletHttp} service is reached in process or through the agent's tunnel. Upstream's answers: 404
 * for a missing Node, 500 when the kubelet cannot be reached.
 */
public final class NodeProxySubresource implements SubresourceHandler {
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final ObjectStore store;
    private final KubeletHttpServices services;

    public NodeProxySubresource(ObjectStore store, KubeletHttpServices services) {
        this.store = store;
        this.services = services;
    }

    /** {@code nodes/proxy}, the handler's key. */
    public static String key() {
        return SubresourceHandler.key("nodes", "", "proxy");
    }

    @Override
    public ApiResponse handle(ResourceRequest request) {
        if (!METHODS.contains(request.method())) {
            throw ApiException.methodNotAllowed();
        }
        String node = request.name();
        // a missing Node is 404 before anything is proxied
        store.get(request.type(), null, node);
        KubeletHttp kubelet = services.forNode(node).orElseThrow(() -> new ApiException(500, "InternalError",
                "the kubelet of node \"" + node + "\" is not reachable: it is not connected to this server", null));
        String subpath = request.path().subpath();
        String path = "/" + (subpath == null || subpath.isEmpty() ? stripSlash(request.param("path")) : subpath);
        KubeletHttpResponse answer;
        try {
            answer = kubelet.serve(request.method(), path, query(request.query()));
        } catch (RuntimeException e) {
            throw new ApiException(500, "InternalError", "error trying to reach the kubelet of node \"" + node
                    + "\": " + e.getMessage(), null);
        }
        return new ApiResponse.Proxied(answer.status(), answer.contentType(), answer.body());
    }

    private static String stripSlash(String path) {
        if (path == null) {
            return "";
        }
        return path.startsWith("/") ? path.substring(1) : path;
    }

    /** The query the kubelet gets: the client's, without the proxy's own {@code path}. */
    private static String query(Map<String, List<String>> params) {
        StringJoiner out = new StringJoiner("&");
        params.forEach((name, values) -> {
            if (!name.equals("path")) {
                for (String value : values) {
                    out.add(encode(name) + "=" + encode(value));
                }
            }
        });
        return out.length() == 0 ? null : out.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
