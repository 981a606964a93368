package io.karst.apiserver.endpoint;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.resource.ResourceType;

/**
 * One request to a resource URL, free of the HTTP library: what the verbs need to know.
 *
 * @param method HTTP method, upper case
 * @param query decoded query parameters
 * @param body the request body, empty when none
 * @param contentType the Content-Type header, or null
 * @param tree the body already as a tree, from an in-process caller; null for HTTP requests, whose body is decoded
 *        from {@code body} by {@link #decodeBody}
 * @param userAgent the User-Agent header (the manager of a write that names none); null in process
 */
public record ResourceRequest(RequestPath path, ResourceType type, String method,
        Map<String, List<String>> query, byte[] body, String contentType, JsonNode tree, String userAgent) {

    private static final byte[] NO_BYTES = new byte[0];

    /** An HTTP request: the body as bytes. */
    public ResourceRequest(RequestPath path, ResourceType type, String method, Map<String, List<String>> query,
            byte[] body, String contentType) {
        this(path, type, method, query, body, contentType, null, null);
    }

    /** An HTTP request from a client that says what it is. */
    public ResourceRequest(RequestPath path, ResourceType type, String method, Map<String, List<String>> query,
            byte[] body, String contentType, String userAgent) {
        this(path, type, method, query, body, contentType, null, userAgent);
    }

    /** An in-process request: the body is a tree (null for none) the verbs may modify; nothing is encoded. */
    public static ResourceRequest inProcess(RequestPath path, ResourceType type, String method,
            Map<String, List<String>> query, JsonNode tree, String contentType) {
        return new ResourceRequest(path, type, method, query, NO_BYTES, contentType, tree, null);
    }

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

    /** Whether the request has a body. */
    public boolean hasBody() {
        return tree != null || body.length > 0;
    }

    /** The body as a tree (a JSON Patch is an array): the caller's tree, or the bytes decoded per Content-Type. */
    public JsonNode decodeBody(ObjectCodec codec) {
        return tree != null ? tree : codec.decode(body, contentType);
    }

    /** The body, which must be one object. */
    public ObjectNode decodeObject(ObjectCodec codec) {
        return tree != null ? codec.requireObject(tree) : codec.decodeObject(body, contentType);
    }
}
