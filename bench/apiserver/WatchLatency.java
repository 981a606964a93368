import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLContext;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;

/**
 * 1,000 watchers of one namespace's ConfigMaps over HTTP/2 (Netty client, 100 streams on each of 10
 * connections), 20 unmeasured creates, then 50 more and the latency from each one's start to each watcher's
 * receipt of its event.
 * Prints the CPU each side used while the events went out: with both on the same cores, a latency is only read
 * together with who was busy.
 */
final class WatchLatency {
    static final int WATCHERS = 1000;
    static final int CHANGES = 50;
    static final int CONNECTIONS = 10;

    static void run(String base, SSLContext jdkTls, SslContext tls, EventLoopGroup loop, long serverPid)
            throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(jdkTls).version(HttpClient.Version.HTTP_2).build();
        ApiLoad.send(client, "POST", base + "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                + "\"metadata\":{\"name\":\"bench-watch\"}}");
        long fromRevision = currentRevision(client, base);
        List<H2Connection> connections = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            connections.add(H2Connection.open(loop, tls, URI.create(base)));
        }
        ConcurrentHashMap<String, Long> started = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(WATCHERS);
        CountDownLatch done = new CountDownLatch(WATCHERS);
        String path = "/api/v1/namespaces/bench-watch/configmaps?watch=true&resourceVersion=" + fromRevision;
        // at most 100 watches opening at a time: a thousand at once would overflow the server's request queue
        // (429), which a real client meets with a retry
        java.util.concurrent.Semaphore opening = new java.util.concurrent.Semaphore(100);
        for (int w = 0; w < WATCHERS; w++) {
            opening.acquire();
            H2Connection connection = connections.get(w % CONNECTIONS);
            int[] seen = new int[1];
            AtomicBoolean over = new AtomicBoolean();
            // called on the connection's event-loop thread only, so the counter needs no lock
            H2Watch watch = new H2Watch((name, at) -> {
                Long t = started.get(name);
                if (t != null && seen[0] < CHANGES) {
                    latencies.add(at - t);
                    if (++seen[0] == CHANGES && over.compareAndSet(false, true)) {
                        done.countDown();
                    }
                }
            }, () -> {
                ready.countDown();
                opening.release();
            }, () -> {
                if (over.compareAndSet(false, true)) {
                    System.err.println("a watch ended early");
                    done.countDown();
                }
            });
            var stream = connection.stream(watch);
            stream.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2HeadersFrame(
                    connection.headers("GET", path), true));
        }
        if (!ready.await(120, TimeUnit.SECONDS)) {
            System.err.println("only " + (WATCHERS - ready.getCount()) + " watches opened");
        }
        // unmeasured events first, so that neither side's figures include compiling its watch path
        for (int i = 0; i < 20; i++) {
            ApiLoad.send(client, "POST", base + "/api/v1/namespaces/bench-watch/configmaps",
                    ApiLoad.configMap("warm-" + i));
            Thread.sleep(20);
        }
        Thread.sleep(2000);
        long rssUnderWatch = ApiLoad.rssKb(serverPid);
        CpuMeter cpu = new CpuMeter(serverPid);
        for (int i = 0; i < CHANGES; i++) {
            String name = "probe-" + i;
            started.put(name, System.nanoTime());
            ApiLoad.send(client, "POST", base + "/api/v1/namespaces/bench-watch/configmaps", ApiLoad.configMap(name));
            Thread.sleep(20);
        }
        done.await(120, TimeUnit.SECONDS);
        long serverMs = cpu.serverMillis();
        long ownMs = cpu.ownMillis();
        double wallMs = cpu.seconds() * 1000;
        long rssAfter = ApiLoad.rssKb(serverPid);
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("watch fan-out: %d watchers (Netty HTTP/2 client, %d connections), %d events each, %d "
                + "deliveries; event latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", WATCHERS, CONNECTIONS, CHANGES,
                sorted.size(), ApiLoad.pct(sorted, 50), ApiLoad.pct(sorted, 99),
                sorted.isEmpty() ? 0.0 : sorted.get(sorted.size() - 1) / 1e6);
        System.out.printf("watch fan-out: CPU while the events went out: server %d ms, load generator %d ms, of "
                + "%.0f ms x %d cores%n", serverMs, ownMs, wallMs, Runtime.getRuntime().availableProcessors());
        System.out.printf("server RSS: %d MB with 1,000 watches open, %d MB after the events%n",
                rssUnderWatch / 1024, rssAfter / 1024);
        String hold = System.getenv("BENCH_HOLD_WATCHES");
        if (hold != null) {
            // lets a memory snapshot of the server (jcmd) be taken while the watches are open
            System.out.println("holding the watches open for " + hold + " s");
            Thread.sleep(Long.parseLong(hold) * 1000);
        }
        connections.forEach(H2Connection::close);
    }

    static long currentRevision(HttpClient client, String base) throws Exception {
        String list = ApiLoad.send(client, "GET", base + "/api/v1/namespaces/bench-watch/configmaps?limit=1", null);
        int at = list.indexOf("\"resourceVersion\":\"");
        return Long.parseLong(list.substring(at + 19, list.indexOf('"', at + 19)));
    }
}
