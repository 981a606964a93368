import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.cache.CacheSettings;
import io.karst.apiserver.cache.WatchCaches;
import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.endpoint.ApiResponse;
import io.karst.apiserver.endpoint.ObjectAdmission;
import io.karst.apiserver.endpoint.ObjectWriter;
import io.karst.apiserver.endpoint.RequestPath;
import io.karst.apiserver.endpoint.ResourceEndpoint;
import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.apiserver.endpoint.StreamWriter;
import io.karst.apiserver.endpoint.WatchFrame;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.storage.ObjectStore;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;

/**
 * Watch fan-out through the in-process resource endpoint with its watch cache, over a real SQLite store: 1,000
 * watchers on the ConfigMaps of one namespace, each frame encoded to JSON as the HTTP layer encodes it, and the
 * latency from the start of each write to each watcher's receipt of its event. Prints p50/p99/max per phase.
 * Usage: bench/apiserver-watch/run [watchers]
 */
public class WatchFanOut {
    public static void main(String[] args) throws Exception {
        int watchers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path dir = Files.createTempDirectory("karst-watch-bench");
        LogStructuredStore kv = SqliteStore.openInDataDir(dir, SqliteSync.NORMAL, StoreSettings.defaults());
        ObjectCodec codec = new ObjectCodec();
        ResourceRegistry registry = new ResourceRegistry(BuiltinResources.all());
        ObjectStore store = new ObjectStore(() -> kv, codec);
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        WatchCaches caches = new WatchCaches(store, () -> kv, CacheSettings.defaults(), timers);
        ResourceEndpoint endpoint = new ResourceEndpoint(store,
                new ObjectWriter(store, registry, ObjectAdmission.NONE, Clock.systemUTC()), timers, caches);
        call(endpoint, registry, "POST", "/api/v1/namespaces",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench\"}}");

        Map<String, Long> started = new ConcurrentHashMap<>();
        Recorder recorder = new Recorder(watchers * 2000);
        AtomicInteger endedEarly = new AtomicInteger();
        for (int i = 0; i < watchers; i++) {
            ApiResponse.Stream s = (ApiResponse.Stream) call(endpoint, registry, "GET",
                    "/api/v1/namespaces/bench/configmaps?watch=1&allowWatchBookmarks=true", null);
            s.session().start(new StreamWriter() {
                @Override
                public boolean write(WatchFrame frame) {
                    // What the HTTP layer does per watcher and event: one JSON line.
                    ObjectNode event = JsonNodeFactory.instance.objectNode();
                    event.put("type", frame.type());
                    event.set("object", frame.object());
                    codec.encodeJson(event);
                    Long t0 = started.get(frame.object().path("metadata").path("name").asText());
                    if (t0 != null && !frame.type().equals("BOOKMARK")) {
                        recorder.add(System.nanoTime() - t0);
                    }
                    return true;
                }

                @Override
                public void end() {
                    endedEarly.incrementAndGet();
                }

                @Override
                public void onClose(Runnable action) {
                }
            });
        }
        System.out.printf("%d watchers open; datastore watches: 1 (the cache's)%n", watchers);

        phase("warm-up (JIT), paced 100 writes/s for 5 s", endpoint, registry, started, recorder, watchers, 500,
                10);
        phase("paced 100 writes/s for 5 s", endpoint, registry, started, recorder, watchers, 500, 10);
        phase("paced 20 writes/s for 5 s", endpoint, registry, started, recorder, watchers, 100, 50);
        phase("burst of 500 writes, one after another", endpoint, registry, started, recorder, watchers, 500, 0);
        System.out.printf("watchers ended early (too slow): %d%n", endedEarly.get());
        caches.close();
        timers.shutdownNow();
        kv.close();
    }

    static int names;

    static void phase(String title, ResourceEndpoint endpoint, ResourceRegistry registry, Map<String, Long> started,
            Recorder recorder, int watchers, int writes, long pauseMillis) throws Exception {
        recorder.reset();
        long[] writeNanos = new long[writes];
        long t = System.nanoTime();
        for (int i = 0; i < writes; i++) {
            String name = "cm-" + names++;
            long w0 = System.nanoTime();
            started.put(name, w0);
            call(endpoint, registry, "POST", "/api/v1/namespaces/bench/configmaps", "{\"apiVersion\":\"v1\","
                    + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\"bench\"}},"
                    + "\"data\":{\"key\":\"" + "x".repeat(200) + "\"}}");
            writeNanos[i] = System.nanoTime() - w0;
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
            }
        }
        long expected = (long) watchers * writes;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (recorder.count() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        long[] sorted = recorder.sorted();
        System.out.printf("%s: %d events delivered of %d in %.1f s (%.0f events/s); latency p50 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%n", title, sorted.length, expected, seconds, sorted.length / seconds,
                pct(sorted, 0.50), pct(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        Arrays.sort(writeNanos);
        System.out.printf("  (the writes themselves, which the latency includes: p50 %.1f ms, p99 %.1f ms, max %.1f ms)%n",
                pct(writeNanos, 0.50), pct(writeNanos, 0.99), writeNanos[writeNanos.length - 1] / 1e6);
    }

    static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    static ApiResponse call(ResourceEndpoint endpoint, ResourceRegistry registry, String method, String url,
            String body) {
        String path = url;
        Map<String, List<String>> query = new HashMap<>();
        int q = url.indexOf('?');
        if (q >= 0) {
            path = url.substring(0, q);
            for (String pair : url.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv.length > 1 ? kv[1] : "");
            }
        }
        RequestPath parsed = RequestPath.parse(path).orElseThrow();
        ResourceType type = registry.find(parsed.group(), parsed.version(), parsed.resource()).orElseThrow();
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return endpoint.handle(new ResourceRequest(parsed, type, method, query, bytes,
                body == null ? null : "application/json"));
    }

    /** Latencies in nanoseconds, recorded from many threads. */
    static final class Recorder {
        private final AtomicLongArray values;
        private final AtomicInteger next = new AtomicInteger();

        Recorder(int capacity) {
            values = new AtomicLongArray(capacity);
        }

        void add(long nanos) {
            int i = next.getAndIncrement();
            if (i < values.length()) {
                values.set(i, nanos);
            }
        }

        int count() {
            return Math.min(next.get(), values.length());
        }

        void reset() {
            next.set(0);
        }

        long[] sorted() {
            long[] out = new long[count()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i);
            }
            Arrays.sort(out);
            return out;
        }
    }
}
