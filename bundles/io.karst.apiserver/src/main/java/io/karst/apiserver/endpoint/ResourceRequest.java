package io.karst.apiserver.endpoint;

import java.util.List;
import java.util.Map;

import io.karst.apiserver.resource.ResourceType;

/**
 * One request to a resource URL, free of the HTTP library: what the verbs need to know.
 *
 * @param method HTTP method, upper case
 * @param query decoded query parameters
 * @param body the request body, empty when none
 * @param contentType the Content-Type header, or null
 */
public record ResourceRequest(RequestPath path, ResourceType type, String method,
        Map<String, List<String>> query, byte[] body, String contentType) {

    public String param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public boolean flag(String name) {
        String v = param(name);
        return v != null && (v.equals("true") || v.equals("1") || v.isEmpty());
    }

    public String namespace() {
        return path.namespace();
    }

    public String name() {
        return path.name();
    }

    public String subresource() {
        return path.subresource();
    }
}
