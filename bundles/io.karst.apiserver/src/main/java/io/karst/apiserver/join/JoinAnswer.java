package io.karst.apiserver.join;

import java.util.Map;

/**
 * What the node-join endpoint answers: a JSON body on success, or a failure the HTTP layer turns into a
 * Kubernetes {@code Status} with {@code code}, {@code reason} and {@code message}.
 *
 * @param code the HTTP status code
 * @param reason the Status reason of a failure ({@code Unauthorized}, {@code BadRequest}, ...); null on success
 * @param message what a person reads; null on success
 * @param body the success body; null on failure
 */
public record JoinAnswer(int code, String reason, String message, Map<String, Object> body) {

    static JoinAnswer ok(Map<String, Object> body) {
        return new JoinAnswer(200, null, null, body);
    }

    static JoinAnswer failure(JoinFailure failure) {
        return new JoinAnswer(failure.code(), failure.reason(), failure.getMessage(), null);
    }

    public boolean succeeded() {
        return body != null;
    }
}
