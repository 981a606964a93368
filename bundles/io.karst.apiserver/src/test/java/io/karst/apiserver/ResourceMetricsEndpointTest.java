package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.karst.api.node.KubeletHttp;
import io.karst.api.node.KubeletHttpResponse;
import io.karst.apiserver.endpoint.KubeletHttpServices;
import io.karst.apiserver.endpoint.PodLogServices;
import io.karst.apiserver.endpoint.PodStreamServices;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * {@code metrics.k8s.io/v1beta1} over HTTP/1.1 (the resource API as the server wires it, over SQLite), scraped at
 * the test's pace from a stand-in kubelet whose summary advances 15 s and 1.5 CPU-seconds per scrape.
 */
class ResourceMetricsEndpointTest {
    @TempDir
    Path dir;

    private LogStructuredStore kv;
    private ScheduledExecutorService timers;
    private ExecutorService workers;
    private ResourceStack stack;
    private NioEventLoopGroup loop;
    private Channel server;
    private final KubeletHttpServices kubelets = new KubeletHttpServices();
    private final AtomicInteger scrapes = new AtomicInteger();
    private volatile String webStart = "2026-01-01T00:00:00Z";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private String base;

    @BeforeEach
    void start() throws Exception {
        kv = SqliteStore.openInDataDir(dir, SqliteSync.NORMAL, StoreSettings.defaults());
        timers = Executors.newSingleThreadScheduledExecutor();
        workers = Executors.newFixedThreadPool(4);
        stack = new ResourceStack(() -> kv, "10.43.0.0/16", "30000-32767", timers, Clock.systemUTC(), null,
                new PodLogServices(), new PodStreamServices(), kubelets);
        stack.bootstrap("10.43.0.1", 6443);
        ResourceApi api = new ResourceApi(stack.registry(), stack.endpoint(), stack.codec(), workers, timers,
                () -> null);
        loop = new NioEventLoopGroup(1);
        server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest r) {
                                        QueryStringDecoder uri = new QueryStringDecoder(r.uri());
                                        api.serve(ctx, r, uri.path(), uri.parameters(),
                                                io.karst.api.client.ResourceClient.INTERNAL_USER);
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        base = "http://127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort();
        kubelets.add((KubeletHttp) this::summary, Map.of(KubeletHttp.NODE_NAME, "node-a", "service.id", 7L));
        KubeletHttp broken = (method, path, query) -> {
            throw new IllegalStateException("the tunnel broke");
        };
        kubelets.add(broken, Map.of(KubeletHttp.NODE_NAME, "node-c", "service.id", 8L));
        for (String node : List.of("node-a", "node-b", "node-c")) {
            assertEquals(201, send("POST", "/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":"
                    + "{\"name\":\"" + node + "\",\"labels\":{\"zone\":\"" + node + "\"}}}").statusCode());
        }
        for (String pod : List.of("web", "db", "idle")) {
            HttpResponse<String> created = send("POST", "/api/v1/namespaces/default/pods", "{\"apiVersion\":\"v1\","
                    + "\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + pod + "\",\"labels\":{\"app\":\"" + pod
                    + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
            assertEquals(201, created.statusCode(), created.body());
        }
    }

    /**
     * The stand-in kubelet's summary at scrape n: 15 s apart; the node uses 1.5 CPU-seconds per scrape (100m),
     * {@code web}'s two containers 0.75 and 0.003 CPU-seconds (50m and 200u), {@code db} one container, idle none
     * (a pod whose sandbox runs without containers).
     */
    private KubeletHttpResponse summary(String method, String path, String query) {
        if (!path.equals("/stats/summary") || !"only_cpu_and_memory=true".equals(query)) {
            return new KubeletHttpResponse(404, "text/plain", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
        }
        int n = scrapes.getAndIncrement();
        String time = Instant.parse("2026-01-01T00:01:00Z").plusSeconds(15L * n).toString();
        String body = "{\"node\":{\"nodeName\":\"node-a\",\"startTime\":\"2026-01-01T00:00:00Z\","
                + "\"cpu\":{\"time\":\"" + time + "\",\"usageCoreNanoSeconds\":" + (10_000_000_000L + 1_500_000_000L * n)
                + "},\"memory\":{\"time\":\"" + time + "\",\"workingSetBytes\":1073741824}},\"pods\":["
                + "{\"podRef\":{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"1\"},\"containers\":["
                + container("app", webStart, time, 750_000_000L * n, 52428800)
                + "," + container("sidecar", "2026-01-01T00:00:00Z", time, 3_000_000L * n, 1000) + "]},"
                + "{\"podRef\":{\"name\":\"db\",\"namespace\":\"default\",\"uid\":\"2\"},\"containers\":["
                + container("c", "2026-01-01T00:00:00Z", time, 15_000_000_000L * n, 2048) + "]},"
                + "{\"podRef\":{\"name\":\"idle\",\"namespace\":\"default\",\"uid\":\"3\"},\"containers\":[]}]}";
        return new KubeletHttpResponse(200, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static String container(String name, String start, String time, long cpu, long memory) {
        return "{\"name\":\"" + name + "\",\"startTime\":\"" + start + "\",\"cpu\":{\"time\":\"" + time
                + "\",\"usageCoreNanoSeconds\":" + cpu + "},\"memory\":{\"time\":\"" + time
                + "\",\"workingSetBytes\":" + memory + "}}";
    }

    @AfterEach
    void stop() throws Exception {
        server.close().sync();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        stack.close();
        workers.shutdownNow();
        timers.shutdownNow();
        kv.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> answer = send("GET", path, null);
        assertEquals(200, answer.statusCode(), answer.body());
        return json.readTree(answer.body());
    }

    private JsonNode status(String path, String method, int code) throws Exception {
        HttpResponse<String> answer = send(method, path, method.equals("POST") ? "{}" : null);
        assertEquals(code, answer.statusCode(), answer.body());
        return json.readTree(answer.body());
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new java.util.ArrayList<>();
        list.path("items").forEach(i -> out.add(i.path("metadata").path("name").asText()));
        return out;
    }

    @Test
    void nodeMetricsAreTheRateBetweenTwoScrapesAndTheWorkingSet() throws Exception {
        stack.metricsScraper().scrape();
        stack.metricsScraper().scrape();
        JsonNode node = get("/apis/metrics.k8s.io/v1beta1/nodes/node-a");
        assertEquals("NodeMetrics", node.path("kind").asText());
        assertEquals("metrics.k8s.io/v1beta1", node.path("apiVersion").asText());
        assertEquals("node-a", node.path("metadata").path("name").asText());
        assertEquals("node-a", node.path("metadata").path("labels").path("zone").asText());
        assertEquals("2026-01-01T00:01:15Z", node.path("timestamp").asText());
        assertEquals("15s", node.path("window").asText());
        assertEquals("100m", node.path("usage").path("cpu").asText());
        assertEquals("1Gi", node.path("usage").path("memory").asText());
        JsonNode list = get("/apis/metrics.k8s.io/v1beta1/nodes");
        assertEquals("NodeMetricsList", list.path("kind").asText());
        // node-b has no kubelet connected and node-c's tunnel fails: left out, as metrics-server leaves them out
        assertEquals(List.of("node-a"), names(list));
    }

    @Test
    void podMetricsListEveryContainerOfPodsWithUsage() throws Exception {
        stack.metricsScraper().scrape();
        stack.metricsScraper().scrape();
        JsonNode web = get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web");
        assertEquals("PodMetrics", web.path("kind").asText());
        assertEquals("default", web.path("metadata").path("namespace").asText());
        assertEquals("web", web.path("metadata").path("labels").path("app").asText());
        assertEquals("15s", web.path("window").asText());
        assertEquals("app", web.path("containers").path(0).path("name").asText());
        assertEquals("50m", web.path("containers").path(0).path("usage").path("cpu").asText());
        assertEquals("50Mi", web.path("containers").path(0).path("usage").path("memory").asText());
        assertEquals("200u", web.path("containers").path(1).path("usage").path("cpu").asText());
        assertEquals("1000", web.path("containers").path(1).path("usage").path("memory").asText());
        assertEquals("1", get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/db").path("containers").path(0)
                .path("usage").path("cpu").asText());
        assertEquals(List.of("db", "web"), names(get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods")).stream()
                .sorted().toList());
        assertEquals(List.of("db", "web"), names(get("/apis/metrics.k8s.io/v1beta1/pods")).stream().sorted()
                .toList());
        assertEquals(List.of(), names(get("/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods")));
    }

    @Test
    void labelAndFieldSelectorsSelectTheMeasuredObjects() throws Exception {
        stack.metricsScraper().scrape();
        stack.metricsScraper().scrape();
        assertEquals(List.of("web"), names(get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods"
                + "?labelSelector=app%3Dweb")));
        assertEquals(List.of("db"), names(get("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.name%3Ddb")));
        assertEquals(List.of("node-a"), names(get("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=zone%3Dnode-a")));
        assertEquals(List.of(), names(get("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=zone%3Delsewhere")));
        assertEquals(List.of(), names(get("/apis/metrics.k8s.io/v1beta1/nodes?fieldSelector=metadata.name%3Dnode-b")));
    }

    @Test
    void badSelectorsAreRefused() throws Exception {
        status("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=status.phase%3DRunning", "GET", 400);
        status("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=%3D%3D%3D", "GET", 400);
    }

    @Test
    void nothingIsReportedBeforeASecondScrape() throws Exception {
        stack.metricsScraper().scrape();
        assertEquals(List.of(), names(get("/apis/metrics.k8s.io/v1beta1/nodes")));
        assertEquals(List.of(), names(get("/apis/metrics.k8s.io/v1beta1/pods")));
        assertEquals("nodemetrics.metrics.k8s.io \"node-a\" not found",
                status("/apis/metrics.k8s.io/v1beta1/nodes/node-a", "GET", 404).path("message").asText());
        assertEquals("podmetrics.metrics.k8s.io \"default/web\" not found",
                status("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web", "GET", 404).path("message")
                        .asText());
    }

    @Test
    void missingObjectsAndPodsWithoutUsageAreNotFound() throws Exception {
        stack.metricsScraper().scrape();
        stack.metricsScraper().scrape();
        assertEquals("node \"nowhere\" not found",
                status("/apis/metrics.k8s.io/v1beta1/nodes/nowhere", "GET", 404).path("message").asText());
        assertEquals("nodemetrics.metrics.k8s.io \"node-b\" not found",
                status("/apis/metrics.k8s.io/v1beta1/nodes/node-b", "GET", 404).path("message").asText());
        assertEquals("pods \"nowhere\" not found",
                status("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nowhere", "GET", 404).path("message")
                        .asText());
        assertEquals("podmetrics.metrics.k8s.io \"default/idle\" not found",
                status("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/idle", "GET", 404).path("message")
                        .asText());
    }

    @Test
    void aRestartedContainerLeavesItsPodOutUntilItHasTwoReadings() throws Exception {
        stack.metricsScraper().scrape();
        stack.metricsScraper().scrape();
        webStart = "2026-01-01T00:01:20Z";
        stack.metricsScraper().scrape();
        assertEquals(List.of("db"), names(get("/apis/metrics.k8s.io/v1beta1/pods")));
        stack.metricsScraper().scrape();
        assertEquals(List.of("db", "web"), names(get("/apis/metrics.k8s.io/v1beta1/pods")).stream().sorted()
                .toList());
    }

    @Test
    void aStalledKubeletIsLeftOutAfterTheRequestTimeoutAndHoldsNoOtherBack() throws Exception {
        KubeletHttp stalled = (method, path, query) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("interrupted");
        };
        kubelets.add(stalled, Map.of(KubeletHttp.NODE_NAME, "node-d", "service.id", 9L));
        assertEquals(201, send("POST", "/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\","
                + "\"metadata\":{\"name\":\"node-d\"}}").statusCode());
        long started = System.nanoTime();
        stack.metricsScraper().scrape();
        stack.metricsScraper().scrape();
        long seconds = java.time.Duration.ofNanos(System.nanoTime() - started).toSeconds();
        // two rounds, each waiting metrics-server's 10 s for node-d, none waiting a minute
        assertTrue(seconds >= 19 && seconds < 40, seconds + " s");
        assertEquals(List.of("node-a"), names(get("/apis/metrics.k8s.io/v1beta1/nodes")));
    }

    @Test
    void writesAndWatchesAreNotAllowed() throws Exception {
        status("/apis/metrics.k8s.io/v1beta1/nodes", "POST", 405);
        status("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web", "DELETE", 405);
        status("/apis/metrics.k8s.io/v1beta1/pods?watch=true", "GET", 405);
        status("/apis/metrics.k8s.io/v1beta1/namespaces/default/nodes", "GET", 404);
    }

    @Test
    void tablesShowTheUsageAndWindowAsMetricsServersDo() throws Exception {
        stack.metricsScraper().scrape();
        stack.metricsScraper().scrape();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base
                + "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb"))
                .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode table = json.readTree(answer.body());
        assertEquals("Table", table.path("kind").asText());
        List<String> columns = new java.util.ArrayList<>();
        table.path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText()));
        assertEquals(List.of("Name", "cpu", "memory", "Window"), columns);
        // the pod's two containers summed: 50m + 200u, 50Mi + 1000 bytes
        assertEquals("[\"web\",\"50200u\",\"52429800\",\"15s\"]", table.path("rows").get(0).path("cells").toString());
    }

    @Test
    void theGroupIsInDiscovery() throws Exception {
        JsonNode groups = get("/apis");
        assertTrue(groups.toString().contains("\"metrics.k8s.io/v1beta1\""), groups.toString());
        JsonNode resources = get("/apis/metrics.k8s.io/v1beta1");
        assertEquals("APIResourceList", resources.path("kind").asText());
        Map<String, String> kinds = new java.util.TreeMap<>();
        resources.path("resources").forEach(r -> kinds.put(r.path("name").asText(), r.path("kind").asText() + " "
                + r.path("namespaced").asBoolean() + " " + r.path("verbs")));
        assertEquals(Map.of("nodes", "NodeMetrics false [\"get\",\"list\"]", "pods",
                "PodMetrics true [\"get\",\"list\"]"), kinds);
    }
}
