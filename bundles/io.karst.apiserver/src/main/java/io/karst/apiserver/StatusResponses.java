package io.karst.apiserver;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The one place where failures become HTTP responses: Kubernetes {@code Status} objects (meta/v1) with the
 * upstream reason for each code, and the plain-text answers of the non-resource endpoints.
 */
final class StatusResponses {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusResponses() {
    }

    static FullHttpResponse unauthorized() {
        return status(HttpResponseStatus.UNAUTHORIZED, "Unauthorized", "Unauthorized");
    }

    static FullHttpResponse notFound(String message) {
        return status(HttpResponseStatus.NOT_FOUND, "NotFound", message);
    }

    static FullHttpResponse methodNotAllowed(String method) {
        return status(HttpResponseStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed",
                "the server does not allow this method on the requested resource: " + method);
    }

    static FullHttpResponse requestEntityTooLarge(int limit) {
        return status(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "RequestEntityTooLarge",
                "the request body is larger than the limit of " + limit + " bytes");
    }

    static FullHttpResponse badRequest(String message) {
        return status(HttpResponseStatus.BAD_REQUEST, "BadRequest", message);
    }

    static FullHttpResponse internalError(String message) {
        return status(HttpResponseStatus.INTERNAL_SERVER_ERROR, "InternalError", message);
    }

    static FullHttpResponse status(HttpResponseStatus code, String reason, String message) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("metadata", Map.of());
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        status.put("code", code.code());
        return json(code, status);
    }

    static FullHttpResponse json(HttpResponseStatus code, Object body) {
        try {
            return bytes(code, "application/json", JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode response", e);
        }
    }

    static FullHttpResponse text(HttpResponseStatus code, String body) {
        return bytes(code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    static FullHttpResponse bytes(HttpResponseStatus code, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, code,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private");
        response.headers().set("X-Content-Type-Options", "nosniff");
        return response;
    }
}
