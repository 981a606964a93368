package io.karst.apiserver.endpoint;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * The verbs on one resource URL: routes a {@link ResourceRequest} to get, list, watch or to the
 * {@link ObjectWriter} for writes, and answers what the URL or method does not allow as upstream does.
 */
public final class ResourceEndpoint {
    /** kube-apiserver's --min-request-timeout: watches without timeoutSeconds end after 30–60 minutes. */
    private static final long MIN_REQUEST_TIMEOUT_SECONDS = 1800;

    private final ObjectStore store;
    private final ObjectWriter writer;
    private final ObjectFilter filters;
    private final ScheduledExecutorService timers;

    public ResourceEndpoint(ObjectStore store, ObjectWriter writer, ObjectFilter filters,
            ScheduledExecutorService timers) {
        this.store = store;
        this.writer = writer;
        this.filters = filters;
        this.timers = timers;
    }

    public ApiResponse handle(ResourceRequest request) {
        ResourceType type = request.type();
        RequestPath path = request.path();
        if (type.namespaced() == false && path.namespace() != null) {
            throw ApiException.notFoundPath();
        }
        if (path.subresource() != null) {
            return writer.subresource(request);
        }
        String method = request.method();
        if (path.watch() || (method.equals("GET") && request.flag("watch"))) {
            if (!method.equals("GET")) {
                throw ApiException.methodNotAllowed();
            }
            return watch(request);
        }
        return switch (method) {
            case "GET", "HEAD" -> path.isCollection() ? list(request) : get(request);
            case "POST" -> {
                if (!path.isCollection()) {
                    throw ApiException.methodNotAllowed();
                }
                yield writer.create(request);
            }
            case "PUT" -> {
                if (path.isCollection()) {
                    throw ApiException.methodNotAllowed();
                }
                yield writer.update(request);
            }
            case "PATCH" -> {
                if (path.isCollection()) {
                    throw ApiException.methodNotAllowed();
                }
                yield writer.patch(request);
            }
            case "DELETE" -> path.isCollection() ? writer.deleteCollection(request, filter(request, type))
                    : writer.delete(request);
            default -> throw ApiException.methodNotAllowed();
        };
    }

    private ApiResponse get(ResourceRequest request) {
        require(request.type(), "get");
        return ApiResponse.ok(store.get(request.type(), request.namespace(), request.name()));
    }

    private ApiResponse list(ResourceRequest request) {
        ResourceType type = request.type();
        require(type, "list");
        ListQuery q = ListQuery.of(request);
        Predicate<ObjectNode> filter = filter(request, type);
        long revision = 0;
        String continueKey = null;
        if (!q.continueToken().isEmpty()) {
            ContinueToken token = ContinueToken.decode(q.continueToken());
            if (token.revision() <= store.compactedRevision()) {
                throw ApiException.expired("The provided continue parameter is too old to display a consistent "
                        + "list result. You can start a new list without the continue parameter, or use the "
                        + "continue token in this response to retrieve the remainder of the results. Continuing "
                        + "with the provided token results in an inconsistent list - objects that were created, "
                        + "modified, or deleted between the time the first chunk was returned and now may show up "
                        + "in the list.");
            }
            revision = token.revision();
            continueKey = type.keyPrefix(request.namespace()) + token.start();
        } else if (q.resourceVersionMatch().equals("Exact")
                || (q.limit() > 0 && !q.resourceVersion().isEmpty() && !q.resourceVersion().equals("0")
                        && q.resourceVersionMatch().isEmpty())) {
            revision = q.resourceVersionNumber();
        } else if (!q.resourceVersion().isEmpty() && !q.resourceVersion().equals("0")) {
            long notOlderThan = q.resourceVersionNumber();
            long current = store.currentRevision();
            if (notOlderThan > current) {
                throw ApiException.timeout("Too large resource version: " + notOlderThan + ", current: "
                        + current);
            }
        }
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        long limit = q.limit();
        long pageRevision;
        String next;
        // Selectors filter after the read, so a page may need several reads to fill (as upstream's storage does).
        do {
            int want = limit > 0 ? (int) Math.min(Integer.MAX_VALUE, Math.max(limit - items.size(), 1)) : 0;
            ObjectStore.Page page = store.list(type, request.namespace(), revision, want, continueKey);
            pageRevision = page.revision();
            revision = pageRevision;
            for (ObjectNode object : page.items()) {
                if (filter.test(object)) {
                    items.add(object);
                }
            }
            next = page.continueKey();
            continueKey = next;
        } while (limit > 0 && items.size() < limit && next != null);
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("kind", type.listKind());
        list.put("apiVersion", type.apiVersion());
        ObjectNode meta = list.putObject("metadata");
        meta.put("resourceVersion", Long.toString(pageRevision));
        if (next != null) {
            String prefix = type.keyPrefix(request.namespace());
            meta.put("continue", new ContinueToken(pageRevision, next.substring(prefix.length())).encode());
        }
        list.set("items", items);
        return ApiResponse.ok(list);
    }

    private ApiResponse watch(ResourceRequest request) {
        ResourceType type = request.type();
        require(type, "watch");
        ListQuery q = ListQuery.of(request);
        Predicate<ObjectNode> filter = filter(request, type);
        if (request.name() != null) {
            String name = request.name();
            Predicate<ObjectNode> byName = o -> name.equals(ObjectMetadata.name(o));
            filter = byName.and(filter);
        }
        boolean fromNow = q.resourceVersion().isEmpty() || q.resourceVersion().equals("0");
        boolean initialEvents = q.sendInitialEvents() != null ? q.sendInitialEvents() : fromNow;
        if (Boolean.TRUE.equals(q.sendInitialEvents()) && !q.resourceVersionMatch().isEmpty()
                && !q.resourceVersionMatch().equals("NotOlderThan")) {
            throw ApiException.badRequest("sendInitialEvents requires resourceVersionMatch=NotOlderThan");
        }
        long timeout = q.timeoutSeconds() > 0 ? q.timeoutSeconds()
                : MIN_REQUEST_TIMEOUT_SECONDS + ThreadLocalRandom.current().nextLong(MIN_REQUEST_TIMEOUT_SECONDS);
        long from = fromNow ? store.currentRevision() : q.resourceVersionNumber();
        WatchSession session = new WatchSession(store, type, request.namespace(), from, initialEvents,
                Boolean.TRUE.equals(q.sendInitialEvents()) && q.allowWatchBookmarks(), filter,
                q.allowWatchBookmarks(), timeout, timers);
        return new ApiResponse.Stream(session);
    }

    private Predicate<ObjectNode> filter(ResourceRequest request, ResourceType type) {
        String labels = request.param("labelSelector");
        String fields = request.param("fieldSelector");
        if ((labels == null || labels.isEmpty()) && (fields == null || fields.isEmpty())) {
            return o -> true;
        }
        return filters.of(type, labels == null ? "" : labels, fields == null ? "" : fields);
    }

    static void require(ResourceType type, String verb) {
        if (!type.allows(verb)) {
            throw ApiException.methodNotAllowed();
        }
    }
}
