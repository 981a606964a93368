package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.karst.api.node.LogOptions;
import io.karst.api.node.LogsNotFoundException;
import io.karst.api.node.PodLogs;
import io.karst.apiserver.endpoint.PodLogServices;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * {@code pods/log} over HTTP/1.1 (the resource API as the server wires it, over SQLite, without TLS), with a
 * stand-in for the kubelets' {@link PodLogs} services registered per node.
 */
class PodLogEndpointTest {
    @TempDir
    Path dir;

    private LogStructuredStore kv;
    private ScheduledExecutorService timers;
    private ExecutorService workers;
    private ResourceStack stack;
    private NioEventLoopGroup loop;
    private Channel server;
    private Channel h2Server;
    private final PodLogServices podLogs = new PodLogServices();
    private final FakeKubelet kubelet = new FakeKubelet();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private String base;

    @BeforeEach
    void start() throws Exception {
        kv = SqliteStore.openInDataDir(dir, SqliteSync.NORMAL, StoreSettings.defaults());
        timers = Executors.newSingleThreadScheduledExecutor();
        workers = Executors.newFixedThreadPool(4);
        stack = new ResourceStack(() -> kv, "10.43.0.0/16", "30000-32767", timers, Clock.systemUTC(), null,
                podLogs);
        stack.bootstrap("10.43.0.1", 6443);
        ResourceApi api = new ResourceApi(stack.registry(), stack.endpoint(), stack.codec(), workers, timers,
                () -> null);
        loop = new NioEventLoopGroup(1);
        server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                apiHandler(api));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        // HTTP/2 with prior knowledge, each stream as the server's ALPN h2 pipeline has it (no TLS in a test)
        h2Server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel stream) {
                                        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                                                new HttpObjectAggregator(1 << 20), apiHandler(api));
                                    }
                                }));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        base = "http://127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort();
        podLogs.add(kubelet, Map.of(PodLogs.NODE_NAME, "node-a", "service.id", 7L));
        createPod("one", "node-a", Map.of(), "app");
        createPod("two", "node-a", Map.of(), "a", "b");
        createPod("annotated", "node-a", Map.of("kubectl.kubernetes.io/default-container", "b"), "a", "b");
        createPod("pending", "", Map.of(), "app");
        createPod("elsewhere", "node-b", Map.of(), "app");
    }

    private static SimpleChannelInboundHandler<FullHttpRequest> apiHandler(ResourceApi api) {
        return new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest r) {
                QueryStringDecoder uri = new QueryStringDecoder(r.uri());
                api.serve(ctx, r, uri.path(), uri.parameters(), io.karst.api.client.ResourceClient.INTERNAL_USER);
            }
        };
    }

    @AfterEach
    void stop() throws Exception {
        server.close().sync();
        h2Server.close().sync();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        stack.close();
        workers.shutdownNow();
        timers.shutdownNow();
        kv.close();
    }

    private void createPod(String name, String node, Map<String, String> annotations, String... containers)
            throws Exception {
        var pod = json.createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).set("annotations", json.valueToTree(annotations));
        var spec = pod.putObject("spec");
        if (!node.isEmpty()) {
            spec.put("nodeName", node);
        }
        spec.put("automountServiceAccountToken", false);
        spec.putArray("initContainers").addObject().put("name", "init").put("image", "busybox");
        for (String c : containers) {
            spec.withArray("containers").addObject().put("name", c).put("image", "busybox");
        }
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base
                + "/api/v1/namespaces/default/pods")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(pod))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void assertStatus(HttpResponse<String> response, int code, String reason, String message)
            throws IOException {
        assertEquals(code, response.statusCode(), response.body());
        JsonNode status = json.readTree(response.body());
        assertEquals("Status", status.path("kind").asText());
        assertEquals(reason, status.path("reason").asText());
        assertEquals(message, status.path("message").asText());
    }

    @Test
    void theOnlyContainersLogIsPlainTextWithTheOptionsPassedToTheNode() throws Exception {
        HttpResponse<String> response = get("/api/v1/namespaces/default/pods/one/log?tailLines=2&timestamps=true"
                + "&limitBytes=100&previous=true&insecureSkipTLSVerifyBackend=true");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("default/one/app line 1\nline 2\n", response.body());
        assertEquals(new LogOptions(false, true, true, 2L, null, 100L), kubelet.options);
        assertEquals(kubelet.uid, podUid("one"));

        Instant before = Instant.now();
        get("/api/v1/namespaces/default/pods/one/log?sinceSeconds=60");
        assertTrue(Math.abs(Duration.between(before.minusSeconds(60), kubelet.options.since()).toSeconds()) < 5);
        get("/api/v1/namespaces/default/pods/one/log?sinceTime=2026-11-23T08:00:00Z");
        assertEquals(Instant.parse("2026-11-23T08:00:00Z"), kubelet.options.since());
    }

    private String podUid(String name) throws Exception {
        return json.readTree(get("/api/v1/namespaces/default/pods/" + name).body()).path("metadata").path("uid")
                .asText();
    }

    @Test
    void aContainerIsChosenByNameOrByTheDefaultContainerAnnotation() throws Exception {
        assertEquals("default/two/b line 1\nline 2\n",
                get("/api/v1/namespaces/default/pods/two/log?container=b").body());
        assertEquals("default/two/init line 1\nline 2\n",
                get("/api/v1/namespaces/default/pods/two/log?container=init").body());
        assertEquals("default/annotated/b line 1\nline 2\n",
                get("/api/v1/namespaces/default/pods/annotated/log").body());
    }

    @Test
    void errorsAreUpstreamsStatuses() throws Exception {
        assertStatus(get("/api/v1/namespaces/default/pods/nope/log"), 404, "NotFound", "pods \"nope\" not found");
        assertStatus(get("/api/v1/namespaces/default/pods/two/log"), 400, "BadRequest",
                "a container name must be specified for pod two, choose one of: [init a b]");
        assertStatus(get("/api/v1/namespaces/default/pods/two/log?container=c"), 400, "BadRequest",
                "container c is not valid for pod two");
        assertStatus(get("/api/v1/namespaces/default/pods/one/log?container=gone"), 400, "BadRequest",
                "container gone is not valid for pod one");
        assertStatus(get("/api/v1/namespaces/default/pods/elsewhere/log"), 500, "",
                "the kubelet of node \"node-b\" is not reachable: no log service of that node is connected");
        assertStatus(get("/api/v1/namespaces/default/pods/one/log?tailLines=-1&limitBytes=0"), 422, "Invalid",
                "PodLogOptions \"one\" is invalid: [tailLines: Invalid value: -1: must be greater than or equal "
                        + "to 0, limitBytes: Invalid value: 0: must be greater than 0]");
        assertStatus(get("/api/v1/namespaces/default/pods/one/log?sinceSeconds=5&sinceTime=2026-11-23T08:00:00Z"),
                422, "Invalid", "PodLogOptions \"one\" is invalid: Forbidden: at most one of `sinceTime` or "
                        + "`sinceSeconds` may be specified");
        assertStatus(get("/api/v1/namespaces/default/pods/one/log?tailLines=ten"), 400, "BadRequest",
                "strconv.ParseInt: parsing \"ten\": invalid syntax");
        kubelet.missing = "previous terminated container \"app\" in pod \"one\" not found";
        assertStatus(get("/api/v1/namespaces/default/pods/one/log?previous=true"), 400, "BadRequest",
                "previous terminated container \"app\" in pod \"one\" not found");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base
                + "/api/v1/namespaces/default/pods/one/log")).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        kubelet.missing = null;
        // the node's side failing before the first byte (a tunnel closing) is said, not an empty log
        kubelet.unreachable = "tunnel to node node-a is closed: the agent disconnected";
        assertStatus(get("/api/v1/namespaces/default/pods/one/log"), 500, "InternalError",
                "Internal error occurred: tunnel to node node-a is closed: the agent disconnected");
    }

    @Test
    void aPodNotBoundToANodeHasNoContent() throws Exception {
        HttpResponse<String> response = get("/api/v1/namespaces/default/pods/pending/log");
        assertEquals(204, response.statusCode());
        assertEquals("", response.body());
        assertNull(kubelet.options);
    }

    @Test
    void nodesComeAndGo() throws Exception {
        FakeKubelet nodeB = new FakeKubelet();
        podLogs.add(nodeB, Map.of(PodLogs.NODE_NAME, "node-b", "service.id", 8L));
        assertEquals("default/elsewhere/app line 1\nline 2\n",
                get("/api/v1/namespaces/default/pods/elsewhere/log").body());
        podLogs.remove(nodeB);
        assertEquals(500, get("/api/v1/namespaces/default/pods/elsewhere/log").statusCode());
    }

    @Test
    void discoveryListsPodsLog() throws Exception {
        JsonNode list = json.readTree(get("/api/v1").body());
        JsonNode log = null;
        for (JsonNode r : list.path("resources")) {
            if (r.path("name").asText().equals("pods/log")) {
                log = r;
            }
        }
        assertTrue(log != null, "pods/log in " + list);
        assertEquals("Pod", log.path("kind").asText());
        assertEquals(List.of("get"), json.convertValue(log.path("verbs"), List.class));
    }

    @Test
    void aFollowedLogStreamsLinesAsTheyComeAndEndsWhenTheClientLeaves() throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(base
                + "/api/v1/namespaces/default/pods/one/log?follow=true")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertEquals("default/one/app line 1", lines.readLine());
        assertEquals("line 2", lines.readLine());
        kubelet.follow.put("line 3\n");
        assertEquals("line 3", lines.readLine());
        kubelet.follow.put("line 4\n");
        assertEquals("line 4", lines.readLine());
        response.body().close();
        assertTrue(kubelet.left.await(10, TimeUnit.SECONDS), "the node's side saw the client leave");
    }

    @Test
    void aFollowedLogEndsTheResponseWhenTheContainersLogEnds() throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(base
                + "/api/v1/namespaces/default/pods/one/log?follow=true")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertEquals("default/one/app line 1", lines.readLine());
        assertEquals("line 2", lines.readLine());
        kubelet.follow.put("last\n");
        kubelet.follow.put(FakeKubelet.END);
        assertEquals("last", lines.readLine());
        assertNull(lines.readLine());
    }

    @Test
    void overHttp2AFollowedLogArrivesAsDataFramesAndEndsWhenTheClientResetsTheStream() throws Exception {
        Channel connection = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                }).connect(h2Server.localAddress()).sync().channel();
        try {
            H2Response first = h2Get(connection, "/api/v1/namespaces/default/pods/one/log?follow=true");
            assertEquals("200 text/plain", first.head.poll(5, TimeUnit.SECONDS));
            first.await("default/one/app line 1\nline 2\n");
            kubelet.follow.put("line 3\n");
            first.await("default/one/app line 1\nline 2\nline 3\n");
            first.stream.close().sync();
            assertTrue(kubelet.left.await(10, TimeUnit.SECONDS), "the node's side saw the stream reset");

            H2Response second = h2Get(connection, "/api/v1/namespaces/default/pods/one/log?follow=true");
            assertEquals("200 text/plain", second.head.poll(5, TimeUnit.SECONDS));
            kubelet.follow.put("last\n");
            kubelet.follow.put(FakeKubelet.END);
            assertTrue(second.ended.await(5, TimeUnit.SECONDS), "the stream ended with the log");
            assertEquals("default/one/app line 1\nline 2\nlast\n", second.text.toString());

            H2Response missing = h2Get(connection, "/api/v1/namespaces/default/pods/two/log");
            assertEquals("400 application/json", missing.head.poll(5, TimeUnit.SECONDS));
        } finally {
            connection.close().sync();
        }
    }

    /** One HTTP/2 request's answer as the client's stream sees it. */
    private static final class H2Response {
        final BlockingQueue<String> head = new LinkedBlockingQueue<>();
        final StringBuffer text = new StringBuffer();
        final CountDownLatch ended = new CountDownLatch(1);
        Http2StreamChannel stream;

        void await(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!text.toString().equals(expected)) {
                assertTrue(System.nanoTime() < deadline, "expected <" + expected + "> but was <" + text + ">");
                Thread.sleep(10);
            }
        }
    }

    private H2Response h2Get(Channel connection, String path) throws Exception {
        H2Response response = new H2Response();
        response.stream = new Http2StreamChannelBootstrap(connection).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof io.netty.handler.codec.http.HttpResponse head) {
                            response.head.add(head.status().code() + " "
                                    + head.headers().get("content-type"));
                        }
                        if (msg instanceof HttpContent content) {
                            response.text.append(content.content().toString(StandardCharsets.UTF_8));
                            if (msg instanceof LastHttpContent) {
                                response.ended.countDown();
                            }
                        }
                        ReferenceCountUtil.release(msg);
                    }
                });
            }
        }).open().sync().getNow();
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers().set("host", "127.0.0.1");
        response.stream.writeAndFlush(request).sync();
        return response;
    }

    /** Writes two known lines; following, then whatever the test queues until {@link #END}. */
    private static final class FakeKubelet implements PodLogs {
        static final String END = "<end>";
        final BlockingQueue<String> follow = new LinkedBlockingQueue<>();
        final CountDownLatch left = new CountDownLatch(1);
        volatile LogOptions options;
        volatile String uid;
        volatile String missing;
        volatile String unreachable;

        @Override
        public void write(String namespace, String pod, String podUid, String container, LogOptions options,
                OutputStream out) throws IOException {
            this.options = options;
            this.uid = podUid;
            if (missing != null) {
                throw new LogsNotFoundException(missing);
            }
            if (unreachable != null) {
                throw new IOException(unreachable);
            }
            out.write((namespace + "/" + pod + "/" + container + " line 1\nline 2\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (!options.follow()) {
                return;
            }
            try {
                while (true) {
                    String next = follow.poll(100, TimeUnit.MILLISECONDS);
                    if (END.equals(next)) {
                        return;
                    }
                    out.write(next == null ? new byte[0] : next.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException();
                    }
                }
            } catch (IOException | InterruptedException e) {
                left.countDown();
            }
        }
    }
}
