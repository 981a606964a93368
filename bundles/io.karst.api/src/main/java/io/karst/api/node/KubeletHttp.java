package io.karst.api.node;

/**
 * The kubelet's own HTTP API on one node (upstream's port 10250 handlers other than logs and streams: {@code /healthz},
 * {@code /pods}, {@code /stats/summary}, {@code /metrics/resource}, {@code /configz}), as the API server's
 * {@code nodes/{name}/proxy/...} reaches it. Karst's kubelet listens on no port: it registers this service with
 * {@value #NODE_NAME}, and a node reached through the tunnel gets a registration of the same interface.
 */
public interface KubeletHttp {
    /** Service property: the name of the node whose kubelet answers. */
    String NODE_NAME = "karst.node.name";

    /**
     * Answers one request as the kubelet's HTTP server would, unknown paths with upstream's 404.
     *
     * @param method   HTTP method, upper case
     * @param path     the path on the kubelet, starting with {@code /}
     * @param rawQuery the query string without {@code ?}, or null for none
     */
    KubeletHttpResponse serve(String method, String path, String rawQuery);
}
