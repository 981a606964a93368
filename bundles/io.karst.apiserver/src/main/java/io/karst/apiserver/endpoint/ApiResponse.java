package io.karst.apiserver.endpoint;

import com.fasterxml.jackson.databind.JsonNode;

/** What a verb answers: one object (encoded by the HTTP layer as the client accepts), or a watch stream. */
public sealed interface ApiResponse {

    record Body(int code, JsonNode object) implements ApiResponse {
    }

    /** A watch: the HTTP layer opens a chunked response and hands the session its writer. */
    record Stream(WatchSession session) implements ApiResponse {
    }

    static ApiResponse ok(JsonNode object) {
        return new Body(200, object);
    }

    static ApiResponse created(JsonNode object) {
        return new Body(201, object);
    }
}
