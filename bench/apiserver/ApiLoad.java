import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The API server load generator (a single-file program: java ApiLoad.java URL CA P12 SERVER_PID). Uses the JDK's
 * HttpClient over HTTP/2 and HTTP/1.1 with the admin certificate, and prints one line per figure: creates/s,
 * gets/s, a list of 5,000 ConfigMaps in JSON and in protobuf (time and bytes), merge patches/s, server-side
 * applies/s (creating and changing), watch fan-out.
 */
public class ApiLoad {
    static final int CONCURRENCY = 32;

    public static void main(String[] args) throws Exception {
        String base = args[0];
        SSLContext tls = tls(Path.of(args[1]), Path.of(args[2]));
        long serverPid = Long.parseLong(args[3]);
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
            HttpClient client = HttpClient.newBuilder().sslContext(tls).version(version)
                    .executor(Executors.newFixedThreadPool(CONCURRENCY)).connectTimeout(Duration.ofSeconds(10))
                    .build();
            String ns = version == HttpClient.Version.HTTP_2 ? "bench-h2" : "bench-h1";
            send(client, "POST", base + "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                    + "\"metadata\":{\"name\":\"" + ns + "\"}}");
            // Unmeasured warm-up, so that the figures are the server's steady state rather than its JIT's start.
            parallel(client, 2000, i -> request("POST", base + "/api/v1/namespaces/" + ns + "/configmaps",
                    configMap("warm-" + i)));
            parallel(client, 5000, i -> request("GET", base + "/api/v1/namespaces/" + ns + "/configmaps/warm-"
                    + (i % 2000), null));
            parallel(client, 2000, i -> mergePatch(base + "/api/v1/namespaces/" + ns + "/configmaps/warm-" + i, i));
            parallel(client, 2000, i -> request("DELETE", base + "/api/v1/namespaces/" + ns + "/configmaps/warm-"
                    + i, null));
            int creates = 5000;
            long t0 = System.nanoTime();
            System.out.println(version + ": creating " + creates + " ConfigMaps");
            parallel(client, creates, i -> request("POST", base + "/api/v1/namespaces/" + ns + "/configmaps",
                    configMap("cm-" + i)));
            double createRate = creates / seconds(t0);
            int gets = 50000;
            t0 = System.nanoTime();
            long serverCpu0 = cpuMillis(serverPid);
            long ownCpu0 = cpuMillis(ProcessHandle.current().pid());
            parallel(client, gets, i -> request("GET", base + "/api/v1/namespaces/" + ns + "/configmaps/cm-"
                    + (i % creates), null));
            double getRate = gets / seconds(t0);
            System.out.printf("%s: CPU during the gets: server %d ms, load generator %d ms, of %.0f ms x 2 cores%n",
                    version, cpuMillis(serverPid) - serverCpu0, cpuMillis(ProcessHandle.current().pid()) - ownCpu0,
                    seconds(t0) * 1000);
            List<Long> listMs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long l0 = System.nanoTime();
                String body = send(client, "GET", base + "/api/v1/namespaces/" + ns + "/configmaps", null);
                listMs.add((System.nanoTime() - l0) / 1_000_000);
                if (!body.contains("cm-4999")) {
                    throw new IllegalStateException("list incomplete");
                }
            }
            Collections.sort(listMs);
            System.out.printf("%s: creates/s %.0f (%d concurrent, 1 KiB ConfigMaps), gets/s %.0f, list of 5,000 "
                    + "ConfigMaps %d ms (median of 5)%n", version, createRate, CONCURRENCY, getRate, listMs.get(2));
            listBothWays(client, base + "/api/v1/namespaces/" + ns + "/configmaps", version);
            int patches = 5000;
            t0 = System.nanoTime();
            parallel(client, patches, i -> mergePatch(base + "/api/v1/namespaces/" + ns + "/configmaps/cm-"
                    + (i % creates), i));
            System.out.printf("%s: patches/s %.0f (merge patch of a ConfigMap, %d concurrent)%n", version,
                    patches / seconds(t0), CONCURRENCY);
            // server-side apply: first creates (apply of objects that do not exist), then changes of one field
            int applies = 5000;
            t0 = System.nanoTime();
            parallel(client, applies, i -> apply(base + "/api/v1/namespaces/" + ns + "/configmaps/ssa-" + i,
                    "ssa-" + i, "first"));
            double applyCreates = applies / seconds(t0);
            t0 = System.nanoTime();
            parallel(client, applies, i -> apply(base + "/api/v1/namespaces/" + ns + "/configmaps/ssa-" + i,
                    "ssa-" + i, "second"));
            System.out.printf("%s: applies/s %.0f creating, %.0f changing a field (server-side apply of a 1 KiB "
                    + "ConfigMap, %d concurrent)%n", version, applyCreates, applies / seconds(t0), CONCURRENCY);
            // gone again, so that the RSS below is measured over the same objects as before applies were benched
            parallel(client, applies, i -> request("DELETE", base + "/api/v1/namespaces/" + ns + "/configmaps/ssa-"
                    + i, null));
        }
        watchFanOut(base, tls, serverPid);
        System.exit(0);
    }

    /** The same list of 5,000 ConfigMaps as JSON and as protobuf (client-go's Accept): median time and size. */
    static void listBothWays(HttpClient client, String url, HttpClient.Version version) throws Exception {
        for (String accept : List.of("application/json", "application/vnd.kubernetes.protobuf,application/json")) {
            List<Long> ms = new ArrayList<>();
            long bytes = 0;
            String contentType = "";
            for (int i = 0; i < 5; i++) {
                long l0 = System.nanoTime();
                HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept)
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
                ms.add((System.nanoTime() - l0) / 1_000_000);
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("list -> " + r.statusCode());
                }
                bytes = r.body().length;
                contentType = r.headers().firstValue("Content-Type").orElse("");
            }
            Collections.sort(ms);
            System.out.printf("%s: list of 5,000 ConfigMaps as %s: %d ms (median of 5), %,d bytes%n", version,
                    contentType, ms.get(2), bytes);
        }
    }

    static HttpRequest mergePatch(String url, int i) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"data\":{\"n\":\"" + i + "\"}}")).build();
    }

    /** A server-side apply by the manager {@code bench}: YAML, as kubectl sends it. */
    static HttpRequest apply(String url, String name, String value) {
        String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  value: " + value
                + "\n  payload: " + "x".repeat(1024) + "\n";
        return HttpRequest.newBuilder(URI.create(url + "?fieldManager=bench")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/apply-patch+yaml")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(yaml)).build();
    }

    /** 1,000 watchers over HTTP/2 on one namespace; 50 changes; latency from the write's start to each event. */
    static void watchFanOut(String base, SSLContext tls, long serverPid) throws Exception {
        int watchers = 1000;
        int changes = 50;
        HttpClient client = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).build();
        // The JDK client opens at most 100 streams per HTTP/2 connection: 10 clients carry the 1,000 watches.
        List<HttpClient> watchClients = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            watchClients.add(HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).build());
        }
        send(client, "POST", base + "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                + "\"metadata\":{\"name\":\"bench-watch\"}}");
        long fromRevision = currentRevision(client, base);
        ConcurrentHashMap<String, Long> started = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(watchers);
        CountDownLatch done = new CountDownLatch(watchers);
        List<java.util.concurrent.Flow.Subscription> subscriptions = Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < watchers; w++) {
            HttpClient watchClient = watchClients.get(w % watchClients.size());
            // A line subscriber per watch, no thread per watch: the generator must not eat the server's cores.
            var subscriber = new java.util.concurrent.Flow.Subscriber<String>() {
                int seen;

                @Override
                public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                    subscriptions.add(subscription);
                    ready.countDown();
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(String line) {
                    long now = System.nanoTime();
                    int at = line.indexOf("\"name\":\"probe-");
                    if (at < 0 || seen >= changes) {
                        return;
                    }
                    Long t = started.get(line.substring(at + 8, line.indexOf('"', at + 8)));
                    if (t != null) {
                        latencies.add(now - t);
                        if (++seen == changes) {
                            done.countDown();
                        }
                    }
                }

                @Override
                public void onError(Throwable e) {
                    if (seen < changes && done.getCount() > 0) {
                        System.err.println("watcher failed: " + e);
                        done.countDown();
                    }
                }

                @Override
                public void onComplete() {
                    if (seen < changes) {
                        done.countDown();
                    }
                }
            };
            watchClient.sendAsync(HttpRequest.newBuilder(URI.create(base
                    + "/api/v1/namespaces/bench-watch/configmaps?watch=true&resourceVersion=" + fromRevision))
                    .build(), HttpResponse.BodyHandlers.fromLineSubscriber(subscriber))
                    .whenComplete((r, e) -> {
                        if (e != null && done.getCount() > 0) {
                            System.err.println("watch failed: " + e);
                            ready.countDown();
                        }
                    });
        }
        if (!ready.await(120, TimeUnit.SECONDS)) {
            System.err.println("only " + (watchers - ready.getCount()) + " watches opened");
        }
        Thread.sleep(2000);
        long rssUnderWatch = rssKb(serverPid);
        for (int i = 0; i < changes; i++) {
            String name = "probe-" + i;
            started.put(name, System.nanoTime());
            send(client, "POST", base + "/api/v1/namespaces/bench-watch/configmaps", configMap(name));
            Thread.sleep(20);
        }
        done.await(120, TimeUnit.SECONDS);
        long rssAfter = rssKb(serverPid);
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("watch fan-out: %d watchers, %d events each, %d deliveries; event latency p50 %.1f ms, "
                + "p99 %.1f ms, max %.1f ms%n", watchers, changes, sorted.size(), pct(sorted, 50), pct(sorted, 99),
                sorted.isEmpty() ? 0.0 : sorted.get(sorted.size() - 1) / 1e6);
        System.out.printf("server RSS: %d MB with 1,000 watches open, %d MB after the events%n",
                rssUnderWatch / 1024, rssAfter / 1024);
        subscriptions.forEach(java.util.concurrent.Flow.Subscription::cancel);
    }

    static long currentRevision(HttpClient client, String base) throws Exception {
        String list = send(client, "GET", base + "/api/v1/namespaces/bench-watch/configmaps?limit=1", null);
        int at = list.indexOf("\"resourceVersion\":\"");
        return Long.parseLong(list.substring(at + 19, list.indexOf('"', at + 19)));
    }

    static double pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
    }

    /** User + system CPU time of a process, from /proc (clock ticks of 10 ms). */
    static long cpuMillis(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    static String configMap(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":"
                + "{\"payload\":\"" + "x".repeat(1024) + "\"}}";
    }

    /** Keeps CONCURRENCY requests in flight without a thread each: the load generator shares the server's cores. */
    static void parallel(HttpClient client, int count, java.util.function.IntFunction<HttpRequest> request)
            throws Exception {
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(CONCURRENCY);
        AtomicLong failures = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            HttpRequest r = request.apply(i);
            client.sendAsync(r, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                boolean conflict = response != null && response.statusCode() == 409 && r.method().equals("POST");
                if (error != null || (response.statusCode() >= 300 && !conflict)) {
                    if (failures.incrementAndGet() < 5) {
                        System.err.println("request failed: " + r.method() + " " + r.uri() + " -> "
                                + (error != null ? error : response.statusCode() + " " + response.body()));
                    }
                }
                inFlight.release();
                finished.countDown();
            });
        }
        finished.await();
        if (failures.get() > 0) {
            System.err.println(failures.get() + " requests failed");
        }
    }

    static HttpRequest request(String method, String url, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String send(HttpClient client, String method, String url, String body) throws Exception {
        HttpResponse<String> r = client.send(request(method, url, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300 && !(r.statusCode() == 409 && method.equals("POST"))) {
            throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    static SSLContext tls(Path ca, Path p12) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            keys.load(in, "bench".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "bench".toCharArray());
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
