package io.karst.apiserver.endpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.cache.CacheSettings;
import io.karst.apiserver.cache.WatchCaches;
import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;

/** The resource endpoint over a real SQLite store in a temporary directory, driven like the HTTP layer does. */
public final class ApiFixture implements AutoCloseable {
    public final LogStructuredStore kv;
    final ObjectCodec codec = new ObjectCodec();
    public final ResourceRegistry registry = new ResourceRegistry(BuiltinResources.all());
    final ObjectStore store;
    final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    final ResourceEndpoint endpoint;
    /** The watch cache, as the server runs with it. */
    public final WatchCaches caches;

    public ApiFixture(Path dir) {
        this(dir, (store, kv) -> ObjectAdmission.NONE);
    }

    /** With the admission the test builds on the fixture's store. */
    public ApiFixture(Path dir, java.util.function.BiFunction<ObjectStore, LogStructuredStore, ObjectAdmission> admission) {
        kv = SqliteStore.openInDataDir(dir, SqliteSync.NORMAL, StoreSettings.defaults());
        store = new ObjectStore(() -> kv, codec);
        ObjectWriter writer = new ObjectWriter(store, registry, admission.apply(store, kv), Clock.systemUTC());
        caches = new WatchCaches(store, () -> kv, CacheSettings.defaults(), timers);
        endpoint = new ResourceEndpoint(store, writer, timers, caches);
        for (String ns : List.of("default", "kube-system")) {
            call("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":"
                    + "{\"name\":\"" + ns + "\"}}");
        }
    }

    /** The object store under the endpoint, for components the test runs beside it (the CRD controller). */
    public ObjectStore store() {
        return store;
    }

    public ApiResponse request(String method, String url, String body, String contentType) {
        return requestBytes(method, url, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
                contentType);
    }

    /** A request with a binary body (protobuf). */
    public ApiResponse requestBytes(String method, String url, byte[] bytes, String contentType) {
        String path = url;
        Map<String, List<String>> query = new HashMap<>();
        int q = url.indexOf('?');
        if (q >= 0) {
            path = url.substring(0, q);
            for (String pair : url.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv.length > 1
                        ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        RequestPath parsed = RequestPath.parse(path).orElseThrow(ApiException::notFoundPath);
        ResourceType type = registry.find(parsed.group(), parsed.version(), parsed.resource())
                .orElseThrow(ApiException::notFoundPath);
        return endpoint.handle(new ResourceRequest(parsed, type, method, query, bytes, contentType));
    }

    /** A request that answers a body; its code and object. */
    public ApiResponse.Body call(String method, String url, String body) {
        return (ApiResponse.Body) request(method, url, body, body == null ? null : "application/json");
    }

    public ObjectNode object(String method, String url, String body) {
        return (ObjectNode) call(method, url, body).object();
    }

    /** The ApiException a request fails with. */
    public ApiException failure(String method, String url, String body) {
        try {
            call(method, url, body);
        } catch (ApiException e) {
            return e;
        }
        throw new AssertionError(method + " " + url + " did not fail");
    }

    public static String configMap(String name, String data) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\"},\"data\":" + data + "}";
    }

    @Override
    public void close() {
        caches.close();
        timers.shutdownNow();
        kv.close();
    }

    /** Collects a watch's frames. */
    static final class Frames implements StreamWriter {
        final List<WatchFrame> frames = new CopyOnWriteArrayList<>();
        volatile boolean ended;
        private final List<Runnable> onClose = new CopyOnWriteArrayList<>();

        @Override
        public boolean write(WatchFrame frame) {
            frames.add(frame);
            return true;
        }

        @Override
        public void end() {
            ended = true;
        }

        @Override
        public void onClose(Runnable action) {
            onClose.add(action);
        }

        List<String> summary() {
            List<String> out = new ArrayList<>();
            for (WatchFrame f : frames) {
                JsonNode meta = f.object().path("metadata");
                out.add(f.type() + " " + meta.path("name").asText());
            }
            return out;
        }
    }
}
