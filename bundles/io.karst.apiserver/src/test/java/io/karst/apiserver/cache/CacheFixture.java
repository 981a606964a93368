package io.karst.apiserver.cache;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.endpoint.ApiResponse;
import io.karst.apiserver.endpoint.ObjectAdmission;
import io.karst.apiserver.endpoint.ObjectWriter;
import io.karst.apiserver.endpoint.RequestPath;
import io.karst.apiserver.endpoint.ResourceEndpoint;
import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;

/** The resource endpoint with a watch cache, over a real SQLite store wrapped in a {@link CountingStore}. */
final class CacheFixture implements AutoCloseable {
    final LogStructuredStore kv;
    final CountingStore counting;
    final ResourceRegistry registry = new ResourceRegistry(BuiltinResources.all());
    final ObjectStore store;
    final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    final WatchCaches caches;
    final ResourceEndpoint endpoint;
    final ResourceType configMaps;

    CacheFixture(Path dir, CacheSettings settings) {
        kv = SqliteStore.openInDataDir(dir, SqliteSync.NORMAL, StoreSettings.defaults());
        counting = new CountingStore(kv);
        store = new ObjectStore(() -> counting, new ObjectCodec());
        caches = new WatchCaches(store, () -> counting, settings, timers);
        endpoint = new ResourceEndpoint(store, new ObjectWriter(store, registry, ObjectAdmission.NONE,
                Clock.systemUTC()), timers, caches);
        configMaps = registry.find("", "v1", "configmaps").orElseThrow();
        for (String ns : List.of("default", "other")) {
            object("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":"
                    + "{\"name\":\"" + ns + "\"}}");
        }
    }

    ApiResponse request(String method, String url, String body, String contentType) {
        String path = url;
        Map<String, List<String>> query = new HashMap<>();
        int q = url.indexOf('?');
        if (q >= 0) {
            path = url.substring(0, q);
            for (String pair : url.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.computeIfAbsent(kv[0], k -> new ArrayList<>())
                        .add(kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        RequestPath parsed = RequestPath.parse(path).orElseThrow(ApiException::notFoundPath);
        ResourceType type = registry.find(parsed.group(), parsed.version(), parsed.resource())
                .orElseThrow(ApiException::notFoundPath);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return endpoint.handle(new ResourceRequest(parsed, type, method, query, bytes, contentType));
    }

    ObjectNode object(String method, String url, String body) {
        return (ObjectNode) ((ApiResponse.Body) request(method, url, body, body == null ? null : "application/json"))
                .object();
    }

    /** Creates a ConfigMap in {@code default}; returns its resourceVersion. */
    long createConfigMap(String name) {
        return revisionOf(object("POST", "/api/v1/namespaces/default/configmaps", configMap(name)));
    }

    long patchConfigMap(String name, String patch) {
        ApiResponse.Body body = (ApiResponse.Body) request("PATCH", "/api/v1/namespaces/default/configmaps/" + name,
                patch, "application/merge-patch+json");
        return revisionOf((ObjectNode) body.object());
    }

    /** Opens a watch through the endpoint, as the HTTP layer does, writing into {@code out}. */
    RecordingStream watch(String url, RecordingStream out) {
        ApiResponse.Stream stream = (ApiResponse.Stream) request("GET", url, null, null);
        out.session = stream.session();
        stream.session().start(out);
        return out;
    }

    RecordingStream watch(String url) {
        return watch(url, new RecordingStream());
    }

    static String configMap(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{}}";
    }

    static long revisionOf(ObjectNode object) {
        return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
    }

    /** Waits for a condition the test expects to become true, failing after 30 s (CI machines are busy). */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        caches.close();
        timers.shutdownNow();
        kv.close();
    }
}
