package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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

import io.karst.api.node.PodStreams;
import io.karst.api.node.StreamNotAvailableException;
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
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * {@code pods/exec}, {@code attach} and {@code portforward} over HTTP/1.1 (the resource API as the server wires it,
 * without TLS): a stand-in kubelet hands out the URL of a stand-in streaming server that answers the SPDY upgrade
 * and echoes what it gets, so the test sees the upgrade passed on and the bytes relayed both ways.
 */
class PodStreamEndpointTest {
    @TempDir
    Path dir;

    private LogStructuredStore kv;
    private ScheduledExecutorService timers;
    private ExecutorService workers;
    private ResourceStack stack;
    private NioEventLoopGroup loop;
    private Channel server;
    private final PodStreamServices podStreams = new PodStreamServices();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private EchoRuntime runtime;
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private int port;
    /** The port of a SPDY-speaking stand-in runtime exec goes to, when set. */
    private volatile Integer spdyRuntime;
    /** The runtime cannot be reached: its streaming URL names a port nothing listens on. */
    private volatile boolean runtimeGone;

    @BeforeEach
    void start() throws Exception {
        kv = SqliteStore.openInDataDir(dir, SqliteSync.NORMAL, StoreSettings.defaults());
        timers = Executors.newSingleThreadScheduledExecutor();
        workers = Executors.newFixedThreadPool(4);
        stack = new ResourceStack(() -> kv, "10.43.0.0/16", "30000-32767", timers, Clock.systemUTC(), null,
                new PodLogServices(), podStreams);
        stack.bootstrap("10.43.0.1", 6443);
        ResourceApi api = new ResourceApi(stack.registry(), stack.endpoint(), stack.codec(), workers, timers,
                () -> null);
        loop = new NioEventLoopGroup(1);
        server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(1 << 20), new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest r) {
                                        QueryStringDecoder uri = new QueryStringDecoder(r.uri());
                                        api.serve(ctx, r, uri.path(), uri.parameters(), io.karst.api.client.ResourceClient.INTERNAL_USER);
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
        runtime = new EchoRuntime();
        podStreams.add(new FakeKubelet(), Map.of(PodStreams.NODE_NAME, "node-a"));
        createPod("one", "node-a", "app");
        createPod("two", "node-a", "a", "b");
        createPod("pending", "", "app");
        createPod("elsewhere", "node-b", "app");
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        server.close().sync();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        stack.close();
        workers.shutdownNow();
        timers.shutdownNow();
        kv.close();
    }

    /** Hands out the echo server's URL; a container named {@code stopped} is not running. */
    private final class FakeKubelet implements PodStreams {
        @Override
        public URI exec(String namespace, String pod, String podUid, String container, List<String> command,
                boolean tty, boolean stdin, boolean stdout, boolean stderr) {
            asked.add("exec " + namespace + "/" + pod + "/" + container + " " + command + " tty=" + tty + " stdin="
                    + stdin + " stdout=" + stdout + " stderr=" + stderr);
            if (container.equals("b")) {
                throw new StreamNotAvailableException("container not found (\"b\")");
            }
            if (spdyRuntime != null) {
                return URI.create("http://127.0.0.1:" + spdyRuntime + "/exec/token4");
            }
            if (runtimeGone) {
                // port 1: nothing listens there, and unlike a just-closed ephemeral port a connect to it cannot
                // meet itself (a TCP self-connect made this test answer 101 once in a while)
                return URI.create("http://127.0.0.1:1/exec/token1");
            }
            return URI.create("http://127.0.0.1:" + runtime.port() + "/exec/token1");
        }

        @Override
        public URI attach(String namespace, String pod, String podUid, String container, boolean tty,
                boolean stdin, boolean stdout, boolean stderr) {
            asked.add("attach " + pod + "/" + container);
            return URI.create("http://127.0.0.1:" + runtime.port() + "/attach/token2");
        }

        @Override
        public URI portForward(String namespace, String pod, String podUid, List<Integer> ports) {
            asked.add("portforward " + pod + " " + ports);
            return URI.create("http://127.0.0.1:" + runtime.port() + "/portforward/token3");
        }
    }

    /** Answers one SPDY upgrade per connection with the first offered protocol, then echoes until EOF. */
    private static final class EchoRuntime implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        final List<String> heads = new CopyOnWriteArrayList<>();

        EchoRuntime() throws IOException {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        new Thread(() -> serve(s)).start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve(Socket s) {
            try (s) {
                String head = readHead(s.getInputStream());
                heads.add(head);
                String offered = head.lines().filter(l -> l.startsWith("X-Stream-Protocol-Version: "))
                        .map(l -> l.substring(27)).findFirst().orElse("");
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                        + "X-Stream-Protocol-Version: " + offered + "\r\n\r\nhello").getBytes(StandardCharsets.UTF_8));
                out.flush();
                s.getInputStream().transferTo(out);
            } catch (IOException e) {
                // the test's client left
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private void createPod(String name, String node, String... containers) throws Exception {
        var pod = json.createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name);
        var spec = pod.putObject("spec");
        if (!node.isEmpty()) {
            spec.put("nodeName", node);
        }
        spec.put("automountServiceAccountToken", false);
        for (String c : containers) {
            spec.withArray("containers").addObject().put("name", c).put("image", "busybox");
        }
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/namespaces/default/pods")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(pod))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
    }

    /** Sends a SPDY upgrade request as kubectl does (POST, two protocol offers) and returns the socket. */
    private Socket upgrade(String pathAndQuery) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("POST " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
                + "X-Stream-Protocol-Version: v3.channel.k8s.io\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        return s;
    }

    private static String read(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    @Test
    void aSpdyExecIsSwitchedWithTheRuntimesProtocolAndRelayedBothWays() throws Exception {
        try (Socket s = upgrade("/api/v1/namespaces/default/pods/one/exec?command=sh&command=-c&command=cat"
                + "&stdin=true&stdout=true&stderr=true")) {
            String head = readHead(s.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            assertTrue(head.contains("X-Stream-Protocol-Version: v4.channel.k8s.io\r\n"), head);
            assertTrue(head.contains("Upgrade: SPDY/3.1\r\n"), head);
            assertEquals("hello", read(s.getInputStream(), 5));
            s.getOutputStream().write("spdy frames".getBytes(StandardCharsets.UTF_8));
            assertEquals("spdy frames", read(s.getInputStream(), 11));
            s.shutdownOutput();
            assertEquals(-1, s.getInputStream().read());
        }
        assertEquals(List.of("exec default/one/app [sh, -c, cat] tty=false stdin=true stdout=true stderr=true"),
                asked);
        String runtimeHead = runtime.heads.get(0);
        assertTrue(runtimeHead.startsWith("POST /exec/token1 HTTP/1.1\r\n"), runtimeHead);
        assertTrue(runtimeHead.contains("X-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
                + "X-Stream-Protocol-Version: v3.channel.k8s.io\r\n"), runtimeHead);
    }

    @Test
    void attachAndPortForwardAreRelayedToo() throws Exception {
        try (Socket s = upgrade("/api/v1/namespaces/default/pods/two/attach?container=a&stdout=true")) {
            assertTrue(readHead(s.getInputStream()).startsWith("HTTP/1.1 101 "));
            assertEquals("hello", read(s.getInputStream(), 5));
        }
        try (Socket s = upgrade("/api/v1/namespaces/default/pods/one/portforward?ports=8080&ports=9090")) {
            assertTrue(readHead(s.getInputStream()).startsWith("HTTP/1.1 101 "));
            assertEquals("hello", read(s.getInputStream(), 5));
        }
        assertEquals(List.of("attach two/a", "portforward one [8080, 9090]"), asked);
    }

    @Test
    void aPortForwardWebSocketTunnelsTheSpdyBytesInBinaryMessages() throws Exception {
        // by hand: the JDK's WebSocket client refuses the subprotocol's "/" (kubectl's gorilla client sends it)
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/v1/namespaces/default/pods/one/portforward?ports=8080 HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            assertTrue(head.toLowerCase().contains("sec-websocket-protocol: spdy/3.1+portforward.k8s.io\r\n"), head);
            byte[] payload = "frame".getBytes(StandardCharsets.UTF_8);
            byte[] mask = {1, 2, 3, 4};
            out.write(new byte[] {(byte) 0x82, (byte) (0x80 | payload.length)});
            out.write(mask);
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ mask[i % 4]);
            }
            out.flush();
            StringBuilder received = new StringBuilder();
            while (received.length() < 10) {
                int opcode = in.read() & 0x0f;
                int length = in.read() & 0x7f;
                assertEquals(2, opcode, "a binary message");
                received.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
            }
            assertEquals("helloframe", received.toString());
        }
        assertTrue(runtime.heads.get(0).contains("X-Stream-Protocol-Version: portforward.k8s.io\r\n"),
                runtime.heads.get(0));
    }

    /**
     * A stand-in of the runtime's SPDY side of exec: one stream per {@code streamtype}, stdin echoed to stdout,
     * and at stdin's end the v4 Status on the error stream, then the connection closed, as containerd does.
     */
    private static ChannelInitializer<SocketChannel> spdyEchoRuntime(List<String> streamTypes) {
        return new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                    private final StringBuilder head = new StringBuilder();

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        io.netty.buffer.ByteBuf in = (io.netty.buffer.ByteBuf) msg;
                        head.append(in.toString(StandardCharsets.ISO_8859_1));
                        in.release();
                        if (head.toString().contains("\r\n\r\n")) {
                            streamTypes.add(head.toString().contains("X-Stream-Protocol-Version: v4.channel.k8s.io")
                                    ? "v4" : "not v4: " + head);
                            ctx.pipeline().addLast(new io.netty.handler.codec.spdy.SpdyFrameCodec(
                                    io.netty.handler.codec.spdy.SpdyVersion.SPDY_3_1),
                                    new io.netty.handler.codec.spdy.SpdySessionHandler(
                                            io.netty.handler.codec.spdy.SpdyVersion.SPDY_3_1, true),
                                    new SpdyEcho(streamTypes));
                            ctx.pipeline().remove(this);
                            ctx.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer("HTTP/1.1 101 Switching Protocols"
                                    + "\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                                    + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n",
                                    StandardCharsets.ISO_8859_1));
                        }
                    }
                });
            }
        };
    }

    private static final class SpdyEcho extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final List<String> streamTypes;
        private final Map<String, Integer> ids = new java.util.HashMap<>();

        SpdyEcho(List<String> streamTypes) {
            this.streamTypes = streamTypes;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.handler.codec.spdy.SpdySynStreamFrame syn) {
                String type = syn.headers().getAsString("streamtype");
                streamTypes.add(type);
                ids.put(type, syn.streamId());
                // with a header: Netty marks an empty header block invalid (Go's spdystream always sends a count)
                var reply = new io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame(syn.streamId());
                reply.headers().set("x-fake", "1");
                ctx.writeAndFlush(reply);
            } else if (msg instanceof io.netty.handler.codec.spdy.SpdyDataFrame data
                    && data.streamId() == ids.getOrDefault("stdin", -1)) {
                if (data.content().isReadable()) {
                    ctx.writeAndFlush(new io.netty.handler.codec.spdy.DefaultSpdyDataFrame(ids.get("stdout"),
                            data.content().retain()));
                }
                if (data.isLast()) {
                    ctx.writeAndFlush(new io.netty.handler.codec.spdy.DefaultSpdyDataFrame(ids.get("error"),
                            io.netty.buffer.Unpooled.copiedBuffer("{\"status\":\"Success\"}",
                                    StandardCharsets.UTF_8))).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                }
            }
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    private static void sendMasked(OutputStream out, int opcode, byte[] payload) throws IOException {
        byte[] mask = {9, 8, 7, 6};
        out.write(new byte[] {(byte) (0x80 | opcode), (byte) (0x80 | payload.length)});
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        out.flush();
    }

    /** One unmasked server frame: its opcode, then its payload. */
    private static byte[] readFrame(InputStream in, int[] opcode) throws IOException {
        opcode[0] = in.read() & 0x0f;
        int length = in.read() & 0x7f;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        }
        return in.readNBytes(length);
    }

    @Test
    void aV5WebSocketExecIsTranslatedToSpdyAndStdinsEndReachesTheRuntime() throws Exception {
        List<String> streamTypes = new CopyOnWriteArrayList<>();
        Channel spdy = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(spdyEchoRuntime(streamTypes)).bind("127.0.0.1", 0).sync().channel();
        spdyRuntime = ((InetSocketAddress) spdy.localAddress()).getPort();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/v1/namespaces/default/pods/one/exec?command=cat&stdin=true&stdout=true"
                    + "&stderr=true HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Protocol: v5.channel.k8s.io, v4.channel.k8s.io\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            assertTrue(head.toLowerCase().contains("sec-websocket-protocol: v5.channel.k8s.io\r\n"), head);
            sendMasked(out, 2, new byte[] {0, 'h', 'i'});
            int[] opcode = new int[1];
            assertEquals("\u0001hi", new String(readFrame(in, opcode), StandardCharsets.UTF_8));
            assertEquals(2, opcode[0], "a binary message");
            sendMasked(out, 2, new byte[] {(byte) 255, 0});
            assertEquals("\u0003{\"status\":\"Success\"}", new String(readFrame(in, opcode), StandardCharsets.UTF_8));
            readFrame(in, opcode);
            assertEquals(8, opcode[0], "a close after the runtime ended the session");
        } finally {
            spdy.close().sync();
        }
        assertEquals(List.of("v4", "error", "stdin", "stdout", "stderr"), streamTypes);
    }

    @Test
    void aWebSocketExecWithoutV5IsRefusedSoKubectlFallsBackToSpdy() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /api/v1/namespaces/default/pods/one/exec?command=cat&stdout=true"
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(readHead(s.getInputStream()).startsWith("HTTP/1.1 400 "));
        }
        assertEquals(List.of(), asked);
    }

    private JsonNode refused(String pathAndQuery, int code) throws IOException {
        try (Socket s = upgrade(pathAndQuery)) {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 " + code + " "), head);
            int length = Integer.parseInt(head.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                    .findFirst().orElseThrow().substring(15).trim());
            return json.readTree(in.readNBytes(length));
        }
    }

    @Test
    void refusalsAreUpstreamsStatuses() throws Exception {
        String pods = "/api/v1/namespaces/default/pods/";
        assertEquals("pods \"nope\" not found", refused(pods + "nope/exec?command=ls&stdout=true", 404)
                .path("message").asText());
        assertEquals("container c is not valid for pod one", refused(pods
                + "one/exec?command=ls&stdout=true&container=c", 400).path("message").asText());
        assertEquals("container not found (\"b\")", refused(pods + "two/exec?command=ls&stdout=true&container=b",
                400).path("message").asText());
        assertEquals("you must specify at least one command for the container", refused(pods
                + "one/exec?stdout=true", 400).path("message").asText());
        assertEquals("you must specify at least 1 of stdin, stdout, stderr", refused(pods
                + "one/exec?command=ls", 400).path("message").asText());
        assertEquals("pod pending does not have a host assigned", refused(pods
                + "pending/exec?command=ls&stdout=true", 400).path("message").asText());
        JsonNode noKubelet = refused(pods + "elsewhere/exec?command=ls&stdout=true", 500);
        assertTrue(noKubelet.path("message").asText().contains("node-b"), noKubelet.toString());
        runtimeGone = true;
        JsonNode unreachable = refused(pods + "one/exec?command=ls&stdout=true", 502);
        assertTrue(unreachable.path("message").asText().startsWith("error dialing the container runtime"),
                unreachable.toString());

        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pods
                + "one/exec?command=ls&stdout=true")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, plain.statusCode());
        assertEquals("Upgrade request required", json.readTree(plain.body()).path("message").asText());
    }
}
