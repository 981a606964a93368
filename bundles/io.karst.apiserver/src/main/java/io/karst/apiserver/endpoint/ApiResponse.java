package io.karst.apiserver.endpoint;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a verb answers: one object (encoded by the HTTP layer as the client accepts), a watch stream, a
 * container's log, or a connection to a node's streaming endpoint.
 */
public sealed interface ApiResponse {

    /** @param warnings texts for {@code Warning: 299 - "..."} headers (fieldValidation=Warn) */
    record Body(int code, JsonNode object, java.util.List<String> warnings) implements ApiResponse {
        public Body {
            warnings = java.util.List.copyOf(warnings);
        }

        public Body(int code, JsonNode object) {
            this(code, object, java.util.List.of());
        }

        Body withWarnings(java.util.List<String> more) {
            if (more.isEmpty()) {
                return this;
            }
            java.util.List<String> all = new java.util.ArrayList<>(warnings);
            all.addAll(more);
            return new Body(code, object, all);
        }
    }

    /** A watch: the HTTP layer opens a chunked response and hands the session its writer. */
    record Stream(WatchSession session) implements ApiResponse {
    }

    /**
     * A container's log ({@code pods/log}): the HTTP layer streams what {@code logs} writes as {@code text/plain}.
     * {@link #NONE} (no {@code logs}) is upstream's 204 No Content for a pod not bound to a node.
     */
    record Log(io.karst.api.node.PodLogs logs, String namespace, String pod, String podUid, String container,
            io.karst.api.node.LogOptions options) implements ApiResponse {
        public static final Log NONE = new Log(null, null, null, null, null, null);
    }

    /**
     * A connect subresource ({@code pods/exec}, {@code pods/attach}, {@code pods/portforward}): the HTTP layer
     * upgrades the client's connection and relays it to {@code location}, the runtime's single-use streaming URL.
     *
     * <p>The stream flags are those the runtime was asked for (stderr already off with a tty); a client whose
     * protocol is translated (WebSocket v5 to SPDY) gets exactly those streams opened for it.
     *
     * @param subresource {@code exec}, {@code attach} or {@code portforward}
     */
    record Connect(String subresource, java.net.URI location, boolean tty, boolean stdin, boolean stdout,
            boolean stderr) implements ApiResponse {
    }

    /**
     * What a node's kubelet answered through {@code nodes/proxy}: passed on as it is, status, type and body.
     */
    record Proxied(int code, String contentType, byte[] body) implements ApiResponse {
    }

    static ApiResponse ok(JsonNode object) {
        return new Body(200, object);
    }

    static ApiResponse created(JsonNode object) {
        return new Body(201, object);
    }
}
