package io.karst.apiserver.authorization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.status.StatusObject;

/** The 403 Status upstream's authorization filter answers, message and details in its exact form. */
public final class ForbiddenStatus {
    private ForbiddenStatus() {
    }

    public static ApiException of(AuthorizationAttributes request, String reason) {
        String message = message(request);
        if (reason != null && !reason.isEmpty()) {
            message = message + ": " + reason;
        }
        if (!request.resourceRequest()) {
            return new ApiException(403, "Forbidden", "forbidden: " + message, ApiException.Details.of("", "", ""));
        }
        return ApiException.forbidden(request.resource(), request.apiGroup(), request.name(), message);
    }

    /**
     * The Status body: upstream always sends {@code details}, empty for a path ({@code "details":{}}), where other
     * failures with nothing to detail leave it out.
     */
    public static ObjectNode body(AuthorizationAttributes request, String reason) {
        ObjectNode status = StatusObject.failure(of(request, reason));
        if (!status.has("details")) {
            JsonNode code = status.remove("code");
            status.putObject("details");
            status.set("code", code);
        }
        return status;
    }

    /** Upstream's {@code forbiddenMessage}. */
    static String message(AuthorizationAttributes request) {
        String user = request.user() == null ? "" : request.user().name();
        if (!request.resourceRequest()) {
            return "User \"" + user + "\" cannot " + request.verb() + " path \"" + request.path() + "\"";
        }
        String resource = request.subresource().isEmpty() ? request.resource()
                : request.resource() + "/" + request.subresource();
        String head = "User \"" + user + "\" cannot " + request.verb() + " resource \"" + resource
                + "\" in API group \"" + request.apiGroup() + "\"";
        return request.namespace().isEmpty() ? head + " at the cluster scope"
                : head + " in the namespace \"" + request.namespace() + "\"";
    }
}
