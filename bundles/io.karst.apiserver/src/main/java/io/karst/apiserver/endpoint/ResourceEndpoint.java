package io.karst.apiserver.endpoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.cache.StoreWatchSource;
import io.karst.apiserver.cache.WatchCaches;
import io.karst.apiserver.cache.WatchSource;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.selection.ContinueToken;
import io.karst.apiserver.selection.FieldSelector;
import io.karst.apiserver.selection.FieldSelectorSupport;
import io.karst.apiserver.selection.LabelSelector;
import io.karst.apiserver.selection.ListOptions;
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
    /**
     * Whether watches take {@code sendInitialEvents} (the WatchList feature). Upstream turned it on by default
     * in 1.32 and off again in 1.33; it is on here, since clients that do not send it see no difference.
     */
    private static final boolean WATCH_LIST = true;

    private final ObjectWriter writer;
    private final ScheduledExecutorService timers;
    /** Serves lists from memory where upstream's watch cache would; null when there is no cache. */
    private final WatchCaches caches;
    private final WatchSource watches;
    /** Subresources served outside the writer, by {@link SubresourceHandler#key}. */
    private final Map<String, SubresourceHandler> handlers;

    /** Without a watch cache: every list and watch goes to the datastore. */
    public ResourceEndpoint(ObjectStore store, ObjectWriter writer, ScheduledExecutorService timers) {
        this(store, writer, timers, null);
    }

    /** With a watch cache (null for none) serving watches and the lists it can. */
    public ResourceEndpoint(ObjectStore store, ObjectWriter writer, ScheduledExecutorService timers,
            WatchCaches caches) {
        this(store, writer, timers, caches, Map.of());
    }

    /** With a watch cache (null for none) and the subresources that have their own handler. */
    public ResourceEndpoint(ObjectStore store, ObjectWriter writer, ScheduledExecutorService timers,
            WatchCaches caches, Map<String, SubresourceHandler> handlers) {
        this.handlers = Map.copyOf(handlers);
        this.store = store;
        this.writer = writer;
        this.timers = timers;
        this.caches = caches;
        this.watches = caches != null ? caches : new StoreWatchSource(store);
    }

    public ApiResponse handle(ResourceRequest request) {
        ResourceType type = request.type();
        SubresourceHandler unstored = type.storagePrefix() == null
                ? handlers.get(SubresourceHandler.key(type.plural(), type.group(), "")) : null;
        if (type.storagePrefix() == null && unstored == null) {
            // the access reviews: answered for an authenticated HTTP user before they get here, never stored
            throw ApiException.methodNotAllowed();
        }
        RequestPath path = request.path();
        if (!type.namespaced() && path.namespace() != null) {
            throw ApiException.notFoundPath();
        }
        if (type.namespaced() && path.namespace() == null) {
            // Across namespaces there are only collections, and only for reading (list and watch).
            if (path.name() != null) {
                throw ApiException.notFoundPath();
            }
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                throw ApiException.methodNotAllowed();
            }
        }
        if (unstored != null) {
            // a resource not in the datastore (metrics.k8s.io): its own code answers every verb
            return unstored.handle(request);
        }
        if (path.subresource() != null) {
            SubresourceHandler handler = handlers.get(SubresourceHandler.key(type.plural(), type.group(),
                    path.subresource()));
            if (handler != null && type.subresource(path.subresource()).isPresent()) {
                return handler.handle(request);
            }
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
            case "DELETE" -> path.isCollection() ? writer.deleteCollection(request, filter(type, options(request)))
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
        ListOptions q = options(request);
        Predicate<ObjectNode> filter = filter(type, q);
        long revision = 0;
        String continueKey = null;
        String prefix = type.keyPrefix(request.namespace());
        Optional<ContinueToken> token = RequestOptions.parse(q::decodeContinue);
        if (token.isPresent()) {
            ContinueToken t = token.get();
            // the compacted revision itself is still readable; only revisions before it are gone
            if (!t.atLatest() && t.resourceVersion() < store.compactedRevision()) {
                throw RequestOptions.toApi(t.expired());
            }
            revision = t.atLatest() ? 0 : t.resourceVersion();
            continueKey = t.startKeyUnder(prefix);
        } else if (q.resourceVersionMatch().equals(ListOptions.EXACT)
                || (q.hasLimit() && !q.resourceVersion().isEmpty() && !q.resourceVersion().equals("0")
                        && q.resourceVersionMatch().isEmpty())) {
            revision = RequestOptions.parse(() -> ListOptions.parseResourceVersion(q.resourceVersion()));
        } else if (!q.resourceVersion().isEmpty() && !q.resourceVersion().equals("0")) {
            long notOlderThan = RequestOptions.parse(() -> ListOptions.parseResourceVersion(q.resourceVersion()));
            long current = store.currentRevision();
            if (notOlderThan > current) {
                throw ApiException.timeout("Too large resource version: " + notOlderThan + ", current: "
                        + current);
            }
        }
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        long limit = q.hasLimit() ? q.limit() : 0;
        long pageRevision;
        String next;
        Optional<ObjectStore.Page> cached = caches == null || token.isPresent() ? Optional.empty()
                : caches.list(type, request.namespace(), q, filter);
        if (cached.isPresent()) {
            cached.get().items().forEach(items::add);
            pageRevision = cached.get().revision();
            next = cached.get().continueKey();
        } else {
            // Selectors filter after the read: a page may need several reads to fill (as upstream's storage does).
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
        }
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("kind", type.listKind());
        list.put("apiVersion", type.apiVersion());
        ObjectNode meta = list.putObject("metadata");
        meta.put("resourceVersion", Long.toString(pageRevision));
        if (next != null) {
            // next is the store's resume key (last key + NUL); the token carries it relative to the prefix
            meta.put("continue", new ContinueToken(pageRevision, next.substring(prefix.length())).encode());
        }
        list.set("items", items);
        return ApiResponse.ok(list);
    }

    private ApiResponse watch(ResourceRequest request) {
        ResourceType type = request.type();
        require(type, "watch");
        ListOptions parsed = options(request);
        ListOptions q = request.name() == null ? parsed
                : RequestOptions.parse(() -> parsed.forNamedObject(request.name()));
        Predicate<ObjectNode> filter = filter(type, q);
        boolean fromNow = q.resourceVersion().isEmpty() || q.resourceVersion().equals("0");
        boolean initialEvents = q.sendInitialEvents().orElse(fromNow);
        long timeout = q.timeoutSeconds().orElse(0) > 0 ? q.timeoutSeconds().getAsLong()
                : MIN_REQUEST_TIMEOUT_SECONDS + ThreadLocalRandom.current().nextLong(MIN_REQUEST_TIMEOUT_SECONDS);
        long from = fromNow ? store.currentRevision()
                : RequestOptions.parse(() -> ListOptions.parseResourceVersion(q.resourceVersion()));
        WatchSession session = new WatchSession(watches, type, request.namespace(), from, initialEvents,
                q.sendInitialEvents().orElse(false) && q.allowWatchBookmarks(), filter, q.allowWatchBookmarks(),
                timeout, timers);
        return new ApiResponse.Stream(session);
    }

    private static ListOptions options(ResourceRequest request) {
        Map<String, List<String>> query = request.query();
        if (request.path().watch() && !query.containsKey("watch")) {
            query = new HashMap<>(query);
            query.put("watch", List.of("true"));
        }
        Map<String, List<String>> q = query;
        return RequestOptions.parse(() -> ListOptions.parse(q, WATCH_LIST));
    }

    /** The request's label and field selectors as one test; a bad selector or field label is a 400. */
    static Predicate<ObjectNode> filter(ResourceType type, ListOptions q) {
        FieldSelectorSupport support = FieldSelectorSupport.forResource(type.group(), type.plural(),
                type.namespaced());
        ListOptions checked = RequestOptions.parse(() -> q.withFieldsFor(support));
        LabelSelector labels = checked.labelSelector();
        FieldSelector fields = checked.fieldSelector();
        if (labels.isEverything() && fields.isEverything()) {
            return o -> true;
        }
        return o -> labels.matchesObject(o) && (fields.isEverything() || support.matches(fields, o));
    }

    static void require(ResourceType type, String verb) {
        if (!type.allows(verb)) {
            throw ApiException.methodNotAllowed();
        }
    }
}
