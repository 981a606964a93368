package io.karst.apiserver.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ObjectList;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;
import io.karst.api.client.WriteOptions;
import io.karst.apiserver.endpoint.ApiResponse;
import io.karst.apiserver.endpoint.RequestPath;
import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;

/**
 * The verbs of one resource, as {@link ResourceRequest}s handed to the same endpoint the HTTP layer calls: the
 * request carries the caller's tree (a copy, since the write path fills in metadata) instead of bytes, and the
 * answer's tree comes back as it is, with no JSON in between.
 */
final class LocalResourceOperations implements ResourceOperations {
    private final LocalResourceClient client;
    private final ResourceKey key;
    private final String namespace;

    LocalResourceOperations(LocalResourceClient client, ResourceKey key, String namespace) {
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
        return new LocalResourceOperations(client, key, ns);
    }

    @Override
    public ObjectNode get(String name, String subresource) {
        return object(call(type -> request(type, "GET", path(type, namespace, name, subresource), Map.of(), null,
                null)));
    }

    @Override
    public ObjectList list(ListOptions options) {
        return objectList(call(type -> request(type, "GET", path(type, namespace, null, null),
                ClientQuery.of(options).params(), null, null)));
    }

    @Override
    public ObjectNode create(ObjectNode object, String subresource, WriteOptions options) {
        return object(call(type -> {
            String ns = namespaceOf(type, object);
            RequestPath path = subresource == null ? path(type, ns, null, null)
                    : path(type, ns, nameOf(object), subresource);
            if (type.namespaced() && ns == null) {
                // kube-apiserver serves no POST on the all-namespaces URL of a namespaced resource
                throw ApiException.methodNotAllowed();
            }
            return request(type, "POST", path, ClientQuery.of(options).params(), object.deepCopy(), null);
        }));
    }

    @Override
    public ObjectNode update(ObjectNode object, String subresource, WriteOptions options) {
        return object(call(type -> request(type, "PUT",
                path(type, namespaceOf(type, object), nameOf(object), subresource),
                ClientQuery.of(options).params(), object.deepCopy(), null)));
    }

    @Override
    public ObjectNode patch(String name, String patchType, JsonNode patch, String subresource,
            WriteOptions options) {
        return object(call(type -> request(type, "PATCH", path(type, namespace, name, subresource),
                ClientQuery.of(options).params(), patch.deepCopy(), patchType)));
    }

    @Override
    public ObjectNode delete(String name, DeleteOptions options) {
        return object(call(type -> request(type, "DELETE", path(type, namespace, name, null),
                new ClientQuery().dryRun(options.dryRun()).params(), deleteOptions(options), null)));
    }

    @Override
    public ObjectList deleteCollection(ListOptions selection, DeleteOptions options) {
        Map<String, List<String>> query = new java.util.HashMap<>(ClientQuery.of(selection).params());
        query.putAll(new ClientQuery().dryRun(options.dryRun()).params());
        return objectList(call(type -> request(type, "DELETE", path(type, namespace, null, null), query,
                deleteOptions(options), null)));
    }

    @Override
    public ResourceWatch watch(ListOptions options, Watcher watcher) {
        ApiResponse response = call(type -> request(type, "GET", path(type, namespace, null, null),
                ClientQuery.forWatch(options).params(), null, null));
        if (!(response instanceof ApiResponse.Stream stream)) {
            throw ClientErrors.internal(new IllegalStateException("a watch answered " + response));
        }
        LocalWatch watch = client.newWatch(watcher);
        try {
            // Synchronous, as the HTTP layer starts it: once this returns, the watch follows the store.
            stream.session().start(watch);
        } catch (RuntimeException e) {
            // Only a server stopping under the call gets here (its timers refuse work): the watch is not running.
            watch.close();
            throw e instanceof ApiException a ? ClientErrors.of(a) : ClientErrors.internal(e);
        }
        return watch;
    }

    /** The DeleteOptions body of an HTTP DELETE, as a tree; null when it would be empty. */
    private static ObjectNode deleteOptions(DeleteOptions options) {
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

    private ApiResponse call(RequestBuilder builder) {
        client.checkOpen();
        try {
            ResourceType type = client.registry().find(key.group(), key.version(), key.resource())
                    .orElseThrow(ApiException::notFoundPath);
            return client.endpoint().handle(builder.build(type));
        } catch (ApiException e) {
            throw ClientErrors.of(e);
        } catch (ResourceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ClientErrors.internal(e);
        }
    }

    @FunctionalInterface
    private interface RequestBuilder {
        ResourceRequest build(ResourceType type);
    }

    private static ResourceRequest request(ResourceType type, String method, RequestPath path,
            Map<String, List<String>> query, JsonNode body, String contentType) {
        return ResourceRequest.inProcess(path, type, method, query, body, contentType);
    }

    private static RequestPath path(ResourceType type, String namespace, String name, String subresource) {
        if (name != null && type.namespaced() && namespace == null) {
            // the URL of a namespaced object without its namespace does not exist
            throw ApiException.notFoundPath();
        }
        if (name != null && name.isEmpty()) {
            throw ApiException.badRequest("resource name may not be empty");
        }
        return new RequestPath(type.group(), type.version(), false, namespace, type.plural(), name, subresource);
    }

    /** The namespace a write goes to: the one the verbs are scoped to, else the object's own. */
    private String namespaceOf(ResourceType type, ObjectNode object) {
        if (!type.namespaced() || namespace != null) {
            return namespace;
        }
        String own = metadata(object, "namespace");
        return own == null || own.isEmpty() ? null : own;
    }

    /** The name of the object a write addresses; "" (refused as a bad request) when it has none. */
    private static String nameOf(ObjectNode object) {
        String name = metadata(object, "name");
        return name == null ? "" : name;
    }

    private static String metadata(ObjectNode object, String field) {
        JsonNode value = object.path("metadata").get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static ObjectNode object(ApiResponse response) {
        if (response instanceof ApiResponse.Body body && body.object() instanceof ObjectNode object) {
            return object;
        }
        throw ClientErrors.internal(new IllegalStateException("expected an object, the verb answered " + response));
    }

    private static ObjectList objectList(ApiResponse response) {
        ObjectNode list = object(response);
        List<ObjectNode> items = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            items.add((ObjectNode) item);
        }
        JsonNode meta = list.path("metadata");
        return new ObjectList(meta.path("resourceVersion").asText(""), meta.path("continue").asText(""), items);
    }
}
