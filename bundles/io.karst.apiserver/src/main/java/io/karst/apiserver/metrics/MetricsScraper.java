package io.karst.apiserver.metrics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.karst.api.node.KubeletHttp;
import io.karst.api.node.KubeletHttpResponse;
import io.karst.apiserver.endpoint.KubeletHttpServices;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.storage.ObjectStore;

/**
 * Scrapes every node's kubelet for its summary at metrics-server's resolution (15 s by default) on threads of its
 * own, so requests read the last scrapes and never wait for a kubelet. A kubelet that is not connected, fails or
 * answers badly is left out of this round, as metrics-server leaves out a node it could not scrape.
 */
public final class MetricsScraper implements AutoCloseable {
    /** metrics-server's default {@code --metric-resolution}. */
    public static final Duration DEFAULT_RESOLUTION = Duration.ofSeconds(15);
    /** metrics-server's default {@code --kubelet-request-timeout}. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(MetricsScraper.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectStore store;
    private final ResourceType nodes;
    private final KubeletHttpServices kubelets;
    private final ScrapedMetrics metrics;
    private ScheduledExecutorService thread;
    /** The requests of a round, one per node; threads come and go with the nodes. */
    private final ExecutorService requests = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "karst-apiserver-metrics-kubelet");
        t.setDaemon(true);
        return t;
    });

    public MetricsScraper(ObjectStore store, ResourceType nodes, KubeletHttpServices kubelets,
            ScrapedMetrics metrics) {
        this.store = store;
        this.nodes = nodes;
        this.kubelets = kubelets;
        this.metrics = metrics;
    }

    /** Scrapes now and then every {@code resolution}. */
    public synchronized void start(Duration resolution) {
        if (thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "karst-apiserver-metrics-scraper");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::scrapeSafely, 0, resolution.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scrapeSafely() {
        try {
            scrape();
        } catch (RuntimeException e) {
            // the datastore may be away for a moment; the next round tries again
            LOG.debug("metrics scrape failed: {}", e.toString());
        }
    }

    /**
     * One round over the Nodes stored now, their kubelets asked in parallel and waited for at most
     * {@link #REQUEST_TIMEOUT} (a stalled agent must not hold the others back); what it read replaces the previous
     * round.
     */
    public void scrape() {
        Map<String, Future<Optional<KubeletSummary>>> pending = new LinkedHashMap<>();
        store.forEach(nodes, null, node -> {
            String name = node.path("metadata").path("name").asText();
            pending.put(name, requests.submit(() -> summary(name)));
        });
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        Map<String, KubeletSummary> summaries = new LinkedHashMap<>();
        for (Map.Entry<String, Future<Optional<KubeletSummary>>> e : pending.entrySet()) {
            try {
                e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                        .ifPresent(s -> summaries.put(e.getKey(), s));
            } catch (TimeoutException t) {
                e.getValue().cancel(true);
                LOG.debug("the kubelet of node {} did not answer within {}", e.getKey(), REQUEST_TIMEOUT);
            } catch (ExecutionException t) {
                LOG.debug("cannot scrape the kubelet of node {}: {}", e.getKey(), t.getCause().toString());
            } catch (InterruptedException t) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        metrics.store(summaries);
    }

    private Optional<KubeletSummary> summary(String node) {
        Optional<KubeletHttp> kubelet = kubelets.forNode(node);
        if (kubelet.isEmpty()) {
            return Optional.empty();
        }
        try {
            KubeletHttpResponse answer = kubelet.get().serve("GET", "/stats/summary", "only_cpu_and_memory=true");
            if (answer.status() != 200) {
                LOG.debug("kubelet of node {} answered {} for its summary", node, answer.status());
                return Optional.empty();
            }
            JsonNode summary = JSON.readTree(answer.body());
            return Optional.of(KubeletSummary.parse(summary));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("cannot scrape the kubelet of node {}: {}", node, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public synchronized void close() {
        requests.shutdownNow();
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }
}
