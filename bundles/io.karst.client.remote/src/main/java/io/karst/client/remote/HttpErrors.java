package io.karst.client.remote;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceException;

/**
 * How the remote client reports failures: an HTTP error becomes the {@link ResourceException} its {@code Status}
 * body describes (the very one the in-process client throws); a server that cannot be reached is a 503.
 */
final class HttpErrors {
    private HttpErrors() {
    }

    static ResourceException of(int code, byte[] body, ObjectMapper json) {
        try {
            JsonNode status = json.readTree(body);
            if (status instanceof ObjectNode object && "Status".equals(object.path("kind").asText())) {
                if (!object.has("code")) {
                    object.put("code", code);
                }
                return ResourceException.fromStatus(object);
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the reason from the code, the body as the message
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return new ResourceException(code, reason(code), text.isEmpty() ? "the server answered " + code : text,
                null);
    }

    static ResourceException unreachable(URI server, IOException cause) {
        // the first message on the chain of causes: a wrapper may have none of its own
        String detail = "no connection (" + cause.getClass().getSimpleName() + ")";
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                detail = t.getMessage();
                break;
            }
        }
        return new ResourceException(503, "ServiceUnavailable", "cannot reach the API server " + server + ": "
                + detail, null, cause);
    }

    /** The Status reason kube-apiserver's clients assume for a bare HTTP code (apimachinery's errors package). */
    static String reason(int code) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 406 -> "NotAcceptable";
            case 409 -> "Conflict";
            case 410 -> "Expired";
            case 413 -> "RequestEntityTooLarge";
            case 415 -> "UnsupportedMediaType";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> code >= 500 ? "InternalError" : "";
        };
    }
}
