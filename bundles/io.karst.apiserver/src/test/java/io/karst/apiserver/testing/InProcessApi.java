package io.karst.apiserver.testing;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.karst.api.client.ResourceClient;
import io.karst.api.node.KubeletHttp;
import io.karst.apiserver.ResourceStack;
import io.karst.apiserver.endpoint.KubeletHttpServices;
import io.karst.apiserver.endpoint.PodLogServices;
import io.karst.apiserver.endpoint.PodStreamServices;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;

/**
 * The resource API as the server wires it (admission, defaults, watch caches, the in-process client), over a real
 * SQLite store in a temporary directory, with the system namespaces created: for tests of bundles that act
 * through {@link ResourceClient}, such as controllers. No HTTPS.
 */
public final class InProcessApi implements AutoCloseable {
    private final LogStructuredStore store;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "in-process-api-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final ResourceStack stack;
    private final KubeletHttpServices kubelets = new KubeletHttpServices();

    public InProcessApi(Path dir) {
        store = SqliteStore.openInDataDir(dir, SqliteSync.NORMAL, StoreSettings.defaults());
        stack = new ResourceStack(() -> store, "10.43.0.0/16", "30000-32767", timers, Clock.systemUTC(), null,
                new PodLogServices(), new PodStreamServices(), kubelets);
        stack.bootstrap("10.43.0.1", 6443);
    }

    public ResourceClient client() {
        return stack.client();
    }

    /** The stack's bootstrap token authenticator. */
    public io.karst.apiserver.bootstraptoken.BootstrapTokenAuthenticator bootstrapTokens() {
        return stack.bootstrapTokenAuthenticator();
    }

    /** Registers an admission plugin as the server's whiteboard would (ranking 0). */
    public void addAdmissionPlugin(io.karst.api.admission.AdmissionPlugin plugin) {
        stack.admissionPlugins().add(plugin, 0, System.identityHashCode(plugin));
    }

    /** Connects a node's kubelet (a stand-in's {@code /stats/summary} feeds {@code metrics.k8s.io}). */
    public void addKubelet(String node, KubeletHttp kubelet) {
        kubelets.add(kubelet, java.util.Map.of(KubeletHttp.NODE_NAME, node));
    }

    /** One metrics scrape of every Node's kubelet, at the test's pace (the server scrapes every 15 s). */
    public void scrapeResourceMetrics() {
        stack.metricsScraper().scrape();
    }

    @Override
    public void close() {
        stack.close();
        timers.shutdownNow();
        store.close();
    }
}
