package io.karst.client.remote;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ApiResource;
import io.karst.api.client.DeleteOptions;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ObjectList;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;
import io.karst.api.client.WriteOptions;

/**
 * The verbs of one resource as the HTTP requests kube-apiserver serves: the URL from discovery (namespaced or not),
 * the options as query parameters, a {@code DeleteOptions} body for deletes, the patch type as Content-Type.
 */
final class RemoteResourceOperations implements ResourceOperations {
    private final RemoteResourceClient client;
    private final ResourceKey key;
    private final String namespace;

    RemoteResourceOperations(RemoteResourceClient client, ResourceKey key, String namespace) {
        this.client = client;
        this.key = key;
        this.namespace = namespace == null || namespace.isEmpty() ? null : namespace;
    }

    @Override
    public ResourceKey key() {
        return key;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public ResourceOperations inNamespace(String ns) {
        return new RemoteResourceOperations(client, key, ns);
    }

    @Override
    public ObjectNode get(String name, String subresource) {
        String path = path(type(), namespace, name, subresource);
        return client.transport().call("GET", path, null, null, true);
    }

    @Override
    public ObjectList list(ListOptions options) {
        String path = path(type(), namespace, null, null) + query(listQuery(options));
        return objectList(client.transport().call("GET", path, null, null, true));
    }

    @Override
    public ObjectNode create(ObjectNode object, String subresource, WriteOptions options) {
        ApiResource type = type();
        String ns = namespaceOf(type, object);
        if (type.namespaced() && ns == null) {
            // kube-apiserver serves no POST on the all-namespaces URL of a namespaced resource
            throw new ResourceException(405, "MethodNotAllowed",
                    "the server does not allow this method on the requested resource", null);
        }
        String path = subresource == null ? path(type, ns, null, null) : path(type, ns, nameOf(object), subresource);
        return client.transport().call("POST", path + query(writeQuery(options)), object, null, false);
    }

    @Override
    public ObjectNode update(ObjectNode object, String subresource, WriteOptions options) {
        ApiResource type = type();
        String path = path(type, namespaceOf(type, object), nameOf(object), subresource);
        return client.transport().call("PUT", path + query(writeQuery(options)), object, null, false);
    }

    @Override
    public ObjectNode patch(String name, String patchType, JsonNode patch, String subresource,
            WriteOptions options) {
        String path = path(type(), namespace, name, subresource);
        return client.transport().call("PATCH", path + query(writeQuery(options)), patch, patchType, false);
    }

    @Override
    public ObjectNode delete(String name, DeleteOptions options) {
        String path = path(type(), namespace, name, null);
        Map<String, String> query = new LinkedHashMap<>();
        dryRun(query, options.dryRun());
        return client.transport().call("DELETE", path + query(query), deleteOptions(options), null, false);
    }

    @Override
    public ObjectList deleteCollection(ListOptions selection, DeleteOptions options) {
        String path = path(type(), namespace, null, null);
        Map<String, String> query = listQuery(selection);
        dryRun(query, options.dryRun());
        return objectList(client.transport().call("DELETE", path + query(query), deleteOptions(options), null,
                false));
    }

    @Override
    public ResourceWatch watch(ListOptions options, Watcher watcher) {
        Map<String, String> query = listQuery(options);
        query.put("watch", "1");
        if (options.allowWatchBookmarks()) {
            query.put("allowWatchBookmarks", "true");
        }
        if (options.timeoutSeconds() > 0) {
            query.put("timeoutSeconds", Long.toString(options.timeoutSeconds()));
        }
        if (options.sendInitialEvents() != null) {
            query.put("sendInitialEvents", options.sendInitialEvents().toString());
        }
        return client.startWatch(path(type(), namespace, null, null) + query(query), watcher);
    }

    private ApiResource type() {
        client.checkOpen();
        return client.discovery().find(key);
    }

    /** The URL path of the resource's collection, an object, or an object's subresource. */
    private static String path(ApiResource type, String namespace, String name, String subresource) {
        if (name != null && type.namespaced() && namespace == null) {
            // the URL of a namespaced object without its namespace does not exist
            throw new ResourceException(404, "NotFound", "the server could not find the requested resource", null);
        }
        if (name != null && name.isEmpty()) {
            throw new ResourceException(400, "BadRequest", "resource name may not be empty", null);
        }
        StringBuilder path = new StringBuilder(Discovery.groupVersionPath(type.group(), type.version()));
        if (type.namespaced() && namespace != null) {
            path.append("/namespaces/").append(segment(namespace));
        }
        path.append('/').append(type.resource());
        if (name != null) {
            path.append('/').append(segment(name));
            if (subresource != null && !subresource.isEmpty()) {
                path.append('/').append(segment(subresource));
            }
        }
        return path.toString();
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The namespace a write goes to: the one the verbs are scoped to, else the object's own. */
    private String namespaceOf(ApiResource type, ObjectNode object) {
        if (!type.namespaced() || namespace != null) {
            return type.namespaced() ? namespace : null;
        }
        String own = object.path("metadata").path("namespace").asText("");
        return own.isEmpty() ? null : own;
    }

    private static String nameOf(ObjectNode object) {
        return object.path("metadata").path("name").asText("");
    }

    static Map<String, String> listQuery(ListOptions options) {
        Map<String, String> q = new LinkedHashMap<>();
        put(q, "labelSelector", options.labelSelector());
        put(q, "fieldSelector", options.fieldSelector());
        put(q, "resourceVersion", options.resourceVersion());
        put(q, "resourceVersionMatch", options.resourceVersionMatch());
        put(q, "continue", options.continueToken());
        if (options.limit() > 0) {
            q.put("limit", Long.toString(options.limit()));
        }
        return q;
    }

    static Map<String, String> writeQuery(WriteOptions options) {
        Map<String, String> q = new LinkedHashMap<>();
        dryRun(q, options.dryRun());
        put(q, "fieldManager", options.fieldManager());
        put(q, "fieldValidation", options.fieldValidation());
        return q;
    }

    private static void dryRun(Map<String, String> q, boolean dryRun) {
        if (dryRun) {
            q.put("dryRun", "All");
        }
    }

    private static void put(Map<String, String> q, String name, String value) {
        if (value != null && !value.isEmpty()) {
            q.put(name, value);
        }
    }

    static String query(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        StringJoiner query = new StringJoiner("&", "?", "");
        params.forEach((k, v) -> query.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return query.toString();
    }

    /** The {@code DeleteOptions} body of a DELETE; {@code null} when it would be empty. */
    static ObjectNode deleteOptions(DeleteOptions options) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (options.propagationPolicy() != null) {
            body.put("propagationPolicy", options.propagationPolicy().value());
        }
        if (options.gracePeriodSeconds() != null) {
            body.put("gracePeriodSeconds", options.gracePeriodSeconds());
        }
        if (options.preconditionUid() != null || options.preconditionResourceVersion() != null) {
            ObjectNode preconditions = body.putObject("preconditions");
            if (options.preconditionUid() != null) {
                preconditions.put("uid", options.preconditionUid());
            }
            if (options.preconditionResourceVersion() != null) {
                preconditions.put("resourceVersion", options.preconditionResourceVersion());
            }
        }
        if (body.isEmpty()) {
            return null;
        }
        body.put("kind", "DeleteOptions");
        body.put("apiVersion", "v1");
        return body;
    }

    private static ObjectList objectList(ObjectNode list) {
        List<ObjectNode> items = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            if (item instanceof ObjectNode object) {
                items.add(object);
            }
        }
        JsonNode meta = list.path("metadata");
        return new ObjectList(meta.path("resourceVersion").asText(""), meta.path("continue").asText(""), items);
    }
}
