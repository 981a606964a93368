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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
 * {@code nodes/{name}/proxy/...} over HTTP/1.1 (the resource API as the server wires it, over SQLite, without TLS),
 * with a stand-in for a node's {@link KubeletHttp} service that records what it was asked.
 */
class NodeProxyEndpointTest {
    @TempDir
    Path dir;

    private LogStructuredStore kv;
    private ScheduledExecutorService timers;
    private ExecutorService workers;
    private ResourceStack stack;
    private NioEventLoopGroup loop;
    private Channel server;
    private final KubeletHttpServices kubelets = new KubeletHttpServices();
    private final List<String> asked = new CopyOnWriteArrayList<>();
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
                                        api.serve(ctx, r, uri.path(), uri.parameters(), io.karst.api.client.ResourceClient.INTERNAL_USER);
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        base = "http://127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort();
        KubeletHttp kubelet = (method, path, query) -> {
            asked.add(method + " " + path + (query == null ? "" : "?" + query));
            if (path.equals("/boom")) {
                throw new IllegalStateException("the tunnel broke");
            }
            return path.equals("/healthz") ? new KubeletHttpResponse(200, "text/plain; charset=utf-8",
                    "ok".getBytes(StandardCharsets.UTF_8))
                    : new KubeletHttpResponse(404, "text/plain; charset=utf-8",
                            "404 page not found\n".getBytes(StandardCharsets.UTF_8));
        };
        kubelets.add(kubelet, Map.of(KubeletHttp.NODE_NAME, "node-a", "service.id", 7L));
        for (String node : List.of("node-a", "node-b")) {
            HttpResponse<String> created = send("POST", "/api/v1/nodes",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + node + "\"}}");
            assertEquals(201, created.statusCode(), created.body());
        }
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

    @Test
    void theKubeletsAnswerIsPassedOnAsItIs() throws Exception {
        HttpResponse<String> ok = send("GET", "/api/v1/nodes/node-a/proxy/healthz", null);
        assertEquals(200, ok.statusCode());
        assertEquals("ok", ok.body());
        assertEquals("text/plain; charset=utf-8", ok.headers().firstValue("Content-Type").orElse(""));

        HttpResponse<String> missing = send("GET", "/api/v1/nodes/node-a/proxy/no/such/", null);
        assertEquals(404, missing.statusCode());
        assertEquals("404 page not found\n", missing.body());

        assertEquals(200, send("GET", "/api/v1/nodes/node-a/proxy?path=/healthz", null).statusCode());
        send("POST", "/api/v1/nodes/node-a/proxy/stats/summary?only_cpu_and_memory=true", "{}");
        assertEquals(List.of("GET /healthz", "GET /no/such/", "GET /healthz",
                "POST /stats/summary?only_cpu_and_memory=true"), asked);
    }

    @Test
    void nodesProxyIsInDiscovery() throws Exception {
        JsonNode resources = json.readTree(send("GET", "/api/v1", null).body()).path("resources");
        JsonNode proxy = null;
        for (JsonNode r : resources) {
            if (r.path("name").asText().equals("nodes/proxy")) {
                proxy = r;
            }
        }
        assertTrue(proxy != null, resources.toString());
        assertEquals("NodeProxyOptions", proxy.path("kind").asText());
        assertEquals("[\"create\",\"delete\",\"get\",\"patch\",\"update\"]", proxy.path("verbs").toString());
    }

    @Test
    void refusalsAreUpstreamsStatuses() throws Exception {
        HttpResponse<String> noNode = send("GET", "/api/v1/nodes/nowhere/proxy/healthz", null);
        assertEquals(404, noNode.statusCode(), noNode.body());
        assertEquals("nodes \"nowhere\" not found", json.readTree(noNode.body()).path("message").asText());

        HttpResponse<String> notConnected = send("GET", "/api/v1/nodes/node-b/proxy/healthz", null);
        assertEquals(500, notConnected.statusCode(), notConnected.body());
        assertTrue(json.readTree(notConnected.body()).path("message").asText().contains("node-b"));

        HttpResponse<String> broken = send("GET", "/api/v1/nodes/node-a/proxy/boom", null);
        assertEquals(500, broken.statusCode(), broken.body());
        assertTrue(json.readTree(broken.body()).path("message").asText().contains("the tunnel broke"));
        assertEquals(0, asked.stream().filter(a -> a.contains("nowhere")).count());
    }
}
