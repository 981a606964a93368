package io.karst.apiserver.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;

/**
 * DeleteOptions from the body and the query: propagation policy (or the legacy orphanDependents), grace period and
 * preconditions on uid and resourceVersion.
 */
record DeleteRequest(String propagationPolicy, Boolean orphanDependents, Long gracePeriodSeconds,
        String preconditionUid, String preconditionResourceVersion) {

    static DeleteRequest none() {
        return new DeleteRequest(null, null, null, null, null);
    }

    static DeleteRequest of(ResourceRequest request, ObjectCodec codec) {
        DeleteRequest body = request.body().length == 0 ? none()
                : fromBody(codec.decodeObject(request.body(), request.contentType()));
        String policy = request.param("propagationPolicy");
        String grace = request.param("gracePeriodSeconds");
        String orphan = request.param("orphanDependents");
        DeleteRequest merged = new DeleteRequest(policy != null ? policy : body.propagationPolicy,
                orphan != null ? Boolean.valueOf(orphan) : body.orphanDependents,
                grace != null ? parseGrace(grace) : body.gracePeriodSeconds, body.preconditionUid,
                body.preconditionResourceVersion);
        merged.validate();
        return merged;
    }

    static DeleteRequest fromBody(ObjectNode body) {
        JsonNode pre = body.path("preconditions");
        DeleteRequest r = new DeleteRequest(text(body.get("propagationPolicy")),
                body.hasNonNull("orphanDependents") ? body.get("orphanDependents").asBoolean() : null,
                body.hasNonNull("gracePeriodSeconds") ? body.get("gracePeriodSeconds").asLong() : null,
                text(pre.get("uid")), text(pre.get("resourceVersion")));
        r.validate();
        return r;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Long parseGrace(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid gracePeriodSeconds: " + value);
        }
    }

    private void validate() {
        if (propagationPolicy != null && orphanDependents != null) {
            throw ApiException.invalid("DeleteOptions", "meta.k8s.io", "", java.util.List.of(new ApiException.Cause(
                    "FieldValueInvalid", "Invalid value: \"" + propagationPolicy
                            + "\": orphanDependents and deletionPropagation cannot be both set",
                    "propagationPolicy")));
        }
        if (propagationPolicy != null && !propagationPolicy.equals("Foreground")
                && !propagationPolicy.equals("Background") && !propagationPolicy.equals("Orphan")) {
            throw ApiException.invalid("DeleteOptions", "meta.k8s.io", "", java.util.List.of(new ApiException.Cause(
                    "FieldValueNotSupported", "Unsupported value: \"" + propagationPolicy
                            + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"",
                    "propagationPolicy")));
        }
        if (gracePeriodSeconds != null && gracePeriodSeconds < 0) {
            throw ApiException.badRequest("gracePeriodSeconds must not be negative");
        }
    }

    /** The policy in effect; Background unless the client asked otherwise. */
    String propagationPolicy(ResourceType type) {
        if (propagationPolicy != null) {
            return propagationPolicy;
        }
        if (orphanDependents != null) {
            return orphanDependents ? "Orphan" : "Background";
        }
        return "Background";
    }

    void checkPreconditions(ResourceType type, ObjectNode current) {
        String name = ObjectMetadata.name(current);
        if (preconditionUid != null && !preconditionUid.equals(ObjectMetadata.uid(current))) {
            throw ApiException.conflict(type.plural(), type.group(), name, "Precondition failed: UID in "
                    + "precondition: " + preconditionUid + ", UID in object meta: " + ObjectMetadata.uid(current));
        }
        if (preconditionResourceVersion != null
                && !preconditionResourceVersion.equals(ObjectMetadata.text(current, "resourceVersion"))) {
            throw ApiException.conflict(type.plural(), type.group(), name, "Precondition failed: ResourceVersion "
                    + "in precondition: " + preconditionResourceVersion + ", ResourceVersion in object meta: "
                    + ObjectMetadata.text(current, "resourceVersion"));
        }
    }
}
