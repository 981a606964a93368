package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.reflect.TypeToken;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.Watch;

/** The official Java client (client-java 24, for Kubernetes 1.33) lists, creates and watches through the admin kubeconfig. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaClientEndToEndTest {
    @TempDir
    static Path tmp;

    private KarstServer server;
    private ApiClient client;

    @BeforeAll
    void startServer() throws Exception {
        server = new KarstServer(tmp.resolve("data"), List.of()).start();
        server.awaitReady(Duration.ofSeconds(90));
        try (FileReader reader = new FileReader(server.kubeconfig.toFile())) {
            client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
        }
        client.setHttpClient(client.getHttpClient().newBuilder().readTimeout(Duration.ofSeconds(60)).build());
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void listCreateAndWatchWithTheOfficialClient() throws Exception {
        CoreV1Api core = new CoreV1Api(client);
        List<String> namespaces = core.listNamespace().execute().getItems().stream()
                .map(n -> n.getMetadata().getName()).toList();
        assertTrue(namespaces.containsAll(List.of("default", "kube-system", "kube-public", "kube-node-lease")),
                namespaces.toString());
        core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name("java"))).execute();

        BlockingQueue<Watch.Response<V1ConfigMap>> events = new ArrayBlockingQueue<>(16);
        Thread watcher = new Thread(() -> {
            try (Watch<V1ConfigMap> watch = Watch.createWatch(client,
                    // labelled: the namespace's own kube-root-ca.crt arrives in it too
                    core.listNamespacedConfigMap("java").labelSelector("made=by-java").watch(true)
                            .timeoutSeconds(30).buildCall(null),
                    new TypeToken<Watch.Response<V1ConfigMap>>() { }.getType())) {
                for (Watch.Response<V1ConfigMap> event : watch) {
                    events.add(event);
                }
            } catch (Exception e) {
                // the watch ends with the test
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        Thread.sleep(1000);

        V1ConfigMap created = core.createNamespacedConfigMap("java", new V1ConfigMap()
                .metadata(new V1ObjectMeta().name("from-java").labels(Map.of("made", "by-java")))
                .data(Map.of("k", "v"))).execute();
        assertEquals("from-java", created.getMetadata().getName());
        assertTrue(created.getMetadata().getUid() != null && !created.getMetadata().getUid().isEmpty());

        Watch.Response<V1ConfigMap> event = events.poll(30, TimeUnit.SECONDS);
        assertTrue(event != null, "no watch event");
        assertEquals("ADDED", event.type);
        assertEquals("from-java", event.object.getMetadata().getName());

        assertEquals(1, core.listNamespacedConfigMap("java").labelSelector("made=by-java").execute().getItems()
                .size());
        try {
            core.readNamespacedConfigMap("absent", "java").execute();
            throw new AssertionError("read of a missing ConfigMap succeeded");
        } catch (ApiException e) {
            assertEquals(404, e.getCode());
        }
    }
}
