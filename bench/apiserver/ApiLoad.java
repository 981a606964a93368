import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

/**
 * The API server load generator (java ApiLoad URL CA P12 SERVER_PID [phases], compiled by {@code run} against the
 * distribution's Netty). With the admin certificate it prints one line per figure: creates/s, gets/s (with the
 * CPU each side spent), a list of 5,000 ConfigMaps in JSON and in protobuf (time and bytes), merge patches/s,
 * server-side applies/s (creating and changing) over HTTP/2 with a Netty client ({@code h2}) and over HTTP/1.1
 * with the JDK's HttpClient ({@code h1}); the watch fan-out ({@code watch}); and, asked for by name, the cost of
 * authentication and authorization per request ({@code auth}). Phases default to h2 h1 watch.
 */
public class ApiLoad {
    static final int CONCURRENCY = 32;

    public static void main(String[] args) throws Exception {
        String base = args[0];
        Identity admin = Identity.fromPkcs12(Path.of(args[1]), Path.of(args[2]));
        SSLContext tls = admin.jdk();
        long serverPid = Long.parseLong(args[3]);
        // Optional phases after the four arguments; all but auth when none is named.
        List<String> phases = args.length > 4 ? List.of(args).subList(4, args.length) : List.of("h2", "h1", "watch");
        // Two event-loop threads for the generator's connections (client-go reads each connection on a goroutine
        // of its own): one thread made every watch event wait for the 999 frames read before it.
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
            if (!phases.contains(version == HttpClient.Version.HTTP_2 ? "h2" : "h1")) {
                continue;
            }
            HttpClient client = HttpClient.newBuilder().sslContext(tls).version(version)
                    .executor(Executors.newFixedThreadPool(CONCURRENCY)).connectTimeout(Duration.ofSeconds(10))
                    .build();
            RequestLoad load;
            if (version == HttpClient.Version.HTTP_2) {
                // Netty's HTTP/2 client: a few connections (one per server event loop at most), many streams each
                List<H2Connection> connections = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    connections.add(H2Connection.open(loop, admin.netty(), URI.create(base)));
                }
                load = new H2Requests(connections, CONCURRENCY);
            } else {
                load = new JdkRequests(client, base, CONCURRENCY);
            }
            String ns = version == HttpClient.Version.HTTP_2 ? "bench-h2" : "bench-h1";
            String configMaps = "/api/v1/namespaces/" + ns + "/configmaps";
            send(client, "POST", base + "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                    + "\"metadata\":{\"name\":\"" + ns + "\"}}");
            // Unmeasured warm-up, so that the figures are the server's steady state rather than its JIT's start.
            // 5,000 creates: after 2,000 the generator still spent 0.3-0.4 ms of CPU per create against 0.05 per
            // GET, as if its own JIT were still compiling the POST path
            load.run(5000, i -> ApiRequest.of("POST", configMaps, configMap("warm-" + i)));
            load.run(10000, i -> ApiRequest.of("GET", configMaps + "/warm-" + (i % 5000), null));
            load.run(2000, i -> mergePatch(configMaps + "/warm-" + i, i));
            load.run(5000, i -> ApiRequest.of("DELETE", configMaps + "/warm-" + i, null));
            int creates = 5000;
            String label = version == HttpClient.Version.HTTP_2 ? "HTTP_2 (Netty client)" : "HTTP_1_1 (JDK client)";
            System.out.println(label + ": creating " + creates + " ConfigMaps");
            CpuMeter cpu = new CpuMeter(serverPid);
            load.run(creates, i -> ApiRequest.of("POST", configMaps, configMap("cm-" + i)));
            double createRate = creates / cpu.seconds();
            System.out.println(label + ": CPU during the creates: " + cpu.perRequest(creates));
            int gets = 50000;
            cpu = new CpuMeter(serverPid);
            load.run(gets, i -> ApiRequest.of("GET", configMaps + "/cm-" + (i % creates), null));
            double getRate = gets / cpu.seconds();
            System.out.println(label + ": CPU during the gets: " + cpu.perRequest(gets));
            List<Long> listMs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long l0 = System.nanoTime();
                String body = send(client, "GET", base + configMaps, null);
                listMs.add((System.nanoTime() - l0) / 1_000_000);
                if (!body.contains("cm-4999")) {
                    throw new IllegalStateException("list incomplete");
                }
            }
            Collections.sort(listMs);
            System.out.printf("%s: creates/s %.0f (%d concurrent, 1 KiB ConfigMaps), gets/s %.0f, list of 5,000 "
                    + "ConfigMaps %d ms (median of 5, JDK client)%n", label, createRate, CONCURRENCY, getRate,
                    listMs.get(2));
            listBothWays(client, base + configMaps, version);
            int patches = 5000;
            long t0 = System.nanoTime();
            load.run(patches, i -> mergePatch(configMaps + "/cm-" + (i % creates), i));
            System.out.printf("%s: patches/s %.0f (merge patch of a ConfigMap, %d concurrent)%n", label,
                    patches / seconds(t0), CONCURRENCY);
            // server-side apply: first creates (apply of objects that do not exist), then changes of one field
            int applies = 5000;
            t0 = System.nanoTime();
            load.run(applies, i -> apply(configMaps + "/ssa-" + i, "ssa-" + i, "first"));
            double applyCreates = applies / seconds(t0);
            t0 = System.nanoTime();
            load.run(applies, i -> apply(configMaps + "/ssa-" + i, "ssa-" + i, "second"));
            System.out.printf("%s: applies/s %.0f creating, %.0f changing a field (server-side apply of a 1 KiB "
                    + "ConfigMap, %d concurrent)%n", label, applyCreates, applies / seconds(t0), CONCURRENCY);
            // gone again, so that the RSS below is measured over the same objects as before applies were benched
            load.run(applies, i -> ApiRequest.of("DELETE", configMaps + "/ssa-" + i, null));
        }
        if (phases.contains("watch")) {
            WatchLatency.run(base, tls, admin.netty(), loop, serverPid);
        }
        if (phases.contains("auth")) {
            AuthCost.run(base, Path.of(args[1]), Path.of(args[2]).resolveSibling("reader.p12"), admin, loop,
                    serverPid);
        }
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

    static ApiRequest mergePatch(String path, int i) {
        return ApiRequest.patch(path, "application/merge-patch+json", "{\"data\":{\"n\":\"" + i + "\"}}");
    }

    /** A server-side apply by the manager {@code bench}: YAML, as kubectl sends it. */
    static ApiRequest apply(String path, String name, String value) {
        String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  value: " + value
                + "\n  payload: " + "x".repeat(1024) + "\n";
        return ApiRequest.patch(path + "?fieldManager=bench", "application/apply-patch+yaml", yaml);
    }

    static double pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
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


}
