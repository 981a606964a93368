package io.karst.api.node;

/**
 * What the kubelet answered: status code, content type, and the whole body (its answers are small documents, so
 * they are not streamed).
 */
public record KubeletHttpResponse(int status, String contentType, byte[] body) {
    public KubeletHttpResponse {
        body = body == null ? new byte[0] : body;
    }
}
