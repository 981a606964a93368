package io.karst.apiserver.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The meta/v1 {@code Status} object of a failure or of a deletion that returns no object. */
public final class StatusObject {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StatusObject() {
    }

    public static ObjectNode failure(ApiException e) {
        ObjectNode status = header();
        if (e.continueToken() != null) {
            ((ObjectNode) status.get("metadata")).put("continue", e.continueToken());
        }
        status.put("status", "Failure");
        status.put("message", e.getMessage());
        status.put("reason", e.reason());
        ApiException.Details d = e.details();
        if (d != null) {
            ObjectNode details = NODES.objectNode();
            putIfPresent(details, "name", d.name());
            putIfPresent(details, "group", d.group());
            putIfPresent(details, "kind", d.kind());
            if (!d.causes().isEmpty()) {
                ArrayNode causes = details.putArray("causes");
                for (ApiException.Cause c : d.causes()) {
                    ObjectNode cause = causes.addObject();
                    putIfPresent(cause, "reason", c.reason());
                    putIfPresent(cause, "message", c.message());
                    putIfPresent(cause, "field", c.field());
                }
            }
            if (d.retryAfterSeconds() > 0) {
                details.put("retryAfterSeconds", d.retryAfterSeconds());
            }
            if (!details.isEmpty()) {
                status.set("details", details);
            }
        }
        status.put("code", e.code());
        return status;
    }

    /** What a DELETE answers when the object is gone at once and the resource does not return it. */
    public static ObjectNode deleted(String name, String group, String resource, String uid) {
        ObjectNode status = header();
        status.put("status", "Success");
        ObjectNode details = status.putObject("details");
        details.put("name", name);
        putIfPresent(details, "group", group);
        details.put("kind", resource);
        putIfPresent(details, "uid", uid);
        return status;
    }

    private static ObjectNode header() {
        ObjectNode status = NODES.objectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        return status;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }
}
